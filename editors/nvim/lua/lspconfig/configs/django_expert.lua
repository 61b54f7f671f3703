-- django-expert for nvim-lspconfig's `configs` API:
--   require('lspconfig').django_expert.setup({})
-- with editors/nvim on 'runtimepath' (lspconfig loads lspconfig.configs.<name> on first use).
local django_expert = require('django_expert')

return {
  default_config = {
    cmd = django_expert.cmd(),
    filetypes = django_expert.filetypes,
    -- nil (no server started, and a message says how to install it) when `cmd` cannot run
    root_dir = function(fname)
      if not django_expert.available() then return nil end
      return django_expert.root_dir(fname)
    end,
    on_attach = django_expert.on_attach,
    single_file_support = true,
    settings = {},
  },
  docs = {
    description = [[
django-expert: findings, quick fixes and the expert review workflow for Django and
Django REST Framework projects, without running them.

Install the server from a clone of django-expert (it is not on PyPI):
`pipx install ~/src/django-expert`, or `python -m pip install ~/src/django-expert` in the
project's virtualenv. Templates (filetype `htmldjango`) are attached too. The root is the nearest folder
with `manage.py`, `pyproject.toml` or `.git`. Settings are the keys of
`[tool.django-expert]`, under `settings = { ['django-expert'] = { ... } }`.
]],
  },
}
