-- django-expert for Neovim >= 0.11 (the lsp/<name>.lua format nvim-lspconfig ships):
--   vim.lsp.enable('django_expert')
-- with editors/nvim on 'runtimepath'. Override any key with vim.lsp.config('django_expert', {...}).
local django_expert = require('django_expert')

---@type vim.lsp.Config
return {
  cmd = django_expert.find() or django_expert.missing_cmd,
  filetypes = django_expert.filetypes,
  -- the project root (the nearest manage.py, pyproject.toml or .git; else the file's folder);
  -- the server is not started, and a message says how to install it, when `cmd` cannot run
  root_dir = function(bufnr, on_dir)
    if not django_expert.available(vim.lsp.config[django_expert.name].cmd) then return end
    local fname = vim.api.nvim_buf_get_name(bufnr)
    on_dir(django_expert.root_dir(fname) or vim.fn.fnamemodify(fname, ':p:h'))
  end,
  on_attach = django_expert.on_attach,
  -- The keys of [tool.django-expert], answered to the server's workspace/configuration:
  -- settings = { ['django-expert'] = { ignore = { 'DJE202' } } },
  settings = {},
}
