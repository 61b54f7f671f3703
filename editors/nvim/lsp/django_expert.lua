-- django-expert for Neovim >= 0.11 (the lsp/<name>.lua format nvim-lspconfig ships):
--   vim.lsp.enable('django_expert')
-- with editors/nvim on 'runtimepath'. Override any key with vim.lsp.config('django_expert', {...}).
local django_expert = require('django_expert')

---@type vim.lsp.Config
return {
  cmd = django_expert.cmd(),
  filetypes = { 'python' },
  root_markers = django_expert.root_markers,
  -- The keys of [tool.django-expert], answered to the server's workspace/configuration:
  -- settings = { ['django-expert'] = { ignore = { 'DJE202' } } },
  settings = {},
}
