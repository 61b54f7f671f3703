-- Headless Neovim test: the server is not installed (no virtualenv active, nothing on PATH).
-- Opening a Python file of the project must say so once, with what to install, how, and
-- where the plugin looked; no client starts; an engagement command says the same (not
-- "open a Python file first"). run.sh MODE=missing; exit status 0 passed, 1 failed, 2 error.
local function out(...)
  io.stdout:write(table.concat(vim.tbl_map(tostring, { ... }), ' ') .. '\n')
end
local failures = 0
local function check(ok, what)
  out(ok and 'PASS' or 'FAIL', what)
  if not ok then failures = failures + 1 end
  return ok
end
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local ok, err = xpcall(function()
  local v = vim.version()
  out(string.format('nvim %d.%d.%d', v.major, v.minor, v.patch))
  local messages = {}
  local notify = vim.notify
  vim.notify = function(message, level, opts)
    table.insert(messages, { message = tostring(message), level = level })
    return notify(message, level, opts)
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('DJE_WS') .. '/catalog/models.py'))
  local function said()
    for _, m in ipairs(messages) do
      if m.message:find('was not found', 1, true) then return m end
    end
  end
  vim.wait(5000, function() return said() ~= nil end, 50)
  local m = said()
  if check(m ~= nil, 'a message says the server is missing: ' .. tostring(m and m.message)) then
    check(m.level == vim.log.levels.ERROR, 'at level ERROR')
    check(m.message:find('pipx install ~/src/django-expert', 1, true) ~= nil
      and m.message:find('python -m pip install ~/src/django-expert', 1, true) ~= nil, 'it says how to install it (pipx / pip from a clone)')
    check(m.message:find('$VIRTUAL_ENV', 1, true) ~= nil and m.message:find('on PATH', 1, true) ~= nil, 'it says where the plugin looked')
  end
  vim.wait(1000)
  local count = 0
  for _, c in pairs(get_clients()) do if c.name == 'django_expert' then count = count + 1 end end
  check(count == 0, 'no django_expert client was started')
  messages = {}
  vim.cmd('DjangoExpertCompleteEngagement')
  vim.wait(2000, function() return said() ~= nil end, 50)
  check(said() ~= nil, ':DjangoExpertCompleteEngagement says the server is missing: ' .. tostring((messages[#messages] or {}).message))
end, debug.traceback)
if not ok then
  out('ERROR', err)
  vim.cmd('cquit 2')
end
out(failures == 0 and 'ALL PASSED' or (failures .. ' FAILED'))
if failures == 0 then vim.cmd('qall!') else vim.cmd('cquit 1') end
