-- The second start of Neovim 0.11 on the same project (run.sh, mode enable, after
-- test_nvim.lua): the server reads the facts cache the first start saved after indexing.
-- Prints the time from opening catalog/models.py to its diagnostics, and the end of the
-- server's indexing progress ("N files, K of M read from the cache").
-- Exit status: 0 passed, 1 failed.
local function out(...)
  io.stdout:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n')
end
local ended = {}
local progress = vim.lsp.handlers['$/progress']
vim.lsp.handlers['$/progress'] = function(err, result, ctx, config)
  local value = result and result.value
  if type(value) == 'table' and value.kind == 'end' and value.message then table.insert(ended, value.message) end
  return progress(err, result, ctx, config)
end
local t0 = vim.loop.hrtime()
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('DJE_WS') .. '/catalog/models.py'))
local function ours()
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if d.source == 'django-expert' then return true end
  end
end
local got = vim.wait(60000, ours, 20)
local seconds = (vim.loop.hrtime() - t0) / 1e9
out(got and 'PASS' or 'FAIL', string.format('second start: diagnostics of catalog/models.py after %.2fs', seconds))
vim.wait(10000, function()
  for _, message in ipairs(ended) do if message:find('read from the cache', 1, true) then return true end end
end, 50)
local indexed
for _, message in ipairs(ended) do
  if message:find('read from the cache', 1, true) then indexed = message end
end
out(indexed and 'PASS' or 'FAIL', 'the indexing progress ended with: ' .. tostring(indexed or table.concat(ended, ' | ')))
local cached = indexed and tonumber(indexed:match('(%d+) of %d+ read from the cache'))
local ok = got and cached ~= nil and cached > 0
out(ok and 'PASS' or 'FAIL', 'the second start read files from the cache: ' .. tostring(cached))
for _, client in pairs(vim.lsp.get_clients()) do client:stop() end
vim.wait(3000, function() return #vim.lsp.get_clients() == 0 end, 50)
if ok then vim.cmd('qall!') else vim.cmd('cquit 1') end
