-- The :DjangoExpert* engagement commands, defined when Neovim starts with editors/nvim on
-- 'runtimepath'. Starting the server is left to vim.lsp.enable('django_expert'),
-- require('lspconfig').django_expert.setup({}) or require('django_expert').setup({}).
if vim.g.loaded_django_expert then
  return
end
vim.g.loaded_django_expert = true
require('django_expert').create_commands()
