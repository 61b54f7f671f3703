-- django-expert for nvim-lspconfig's `configs` API:
--   require('lspconfig').django_expert.setup({})
-- with editors/nvim on 'runtimepath' (lspconfig loads lspconfig.configs.<name> on first use).
local django_expert = require('django_expert')

return {
  default_config = {
    cmd = django_expert.cmd(),
    filetypes = { 'python' },
    root_dir = function(fname)
      return django_expert.root_dir(fname)
    end,
    single_file_support = true,
    settings = {},
  },
  docs = {
    description = [[
django-expert: findings, quick fixes and the expert review workflow for Django and
Django REST Framework projects, without running them.

`pip install django-expert` in the project's environment. The root is the nearest folder
with `manage.py`, `pyproject.toml` or `.git`. Settings are the keys of
`[tool.django-expert]`, under `settings = { ['django-expert'] = { ... } }`.
]],
  },
}
