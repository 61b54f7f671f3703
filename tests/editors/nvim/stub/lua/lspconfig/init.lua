-- A stand-in for nvim-lspconfig's `configs` API (nvim-lspconfig is in no package registry the
-- tests install from). It does what `require('lspconfig').<name>.setup(opts)` does with a
-- lua/lspconfig/configs/<name>.lua table: merge `opts` over `default_config`, and on each
-- buffer of `filetypes` find the root with `root_dir(fname)` (or the file's folder with
-- `single_file_support`), reuse the client of that root or start one; on init, push
-- `settings` with workspace/didChangeConfiguration.
-- Test-only: never put this on a real runtimepath.
local M = {}
local servers = {}
local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

local function attach(name, config, bufnr)
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' then return end
  local root = config.root_dir(fname)
  if root == nil and config.single_file_support then root = vim.fn.fnamemodify(fname, ':p:h') end
  if root == nil then return end
  for _, client in pairs(get_clients()) do
    if client.name == name and client.config.root_dir == root then
      vim.lsp.buf_attach_client(bufnr, client.id)
      return
    end
  end
  local start = vim.deepcopy(config)
  start.filetypes, start.single_file_support = nil, nil -- lspconfig-only keys
  start.name, start.root_dir = name, root
  start.workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } }
  start.on_init = function(client, result) -- as lspconfig does: push the settings
    if next(config.settings or {}) then
      client.notify('workspace/didChangeConfiguration', { settings = config.settings })
    end
    if config.on_init then config.on_init(client, result) end
  end
  local id = vim.lsp.start_client(start)
  if id then vim.lsp.buf_attach_client(bufnr, id) end
end

setmetatable(M, {
  __index = function(_, name)
    if servers[name] then return servers[name] end
    local ok, definition = pcall(require, 'lspconfig.configs.' .. name)
    if not ok then return nil end
    local server = { name = name, document_config = definition }
    function server.setup(user)
      local config = vim.tbl_deep_extend('force', definition.default_config, user or {})
      server.config = config
      vim.api.nvim_create_autocmd('FileType', {
        pattern = config.filetypes,
        callback = function(args) attach(name, config, args.buf) end,
      })
    end
    servers[name] = server
    return server
  end,
})

return M
