-- django-expert for Neovim: how to start the language server, where a project's root is,
-- and the engagement commands. Works on Neovim 0.7 and later.
--
--   Neovim >= 0.11:  vim.lsp.enable('django_expert')          (uses lsp/django_expert.lua)
--   nvim-lspconfig:  require('lspconfig').django_expert.setup({})
--   any version:     require('django_expert').setup({})
--
-- See editors/nvim/README.md.
local M = {}

M.name = 'django_expert'
M.section_name = 'django-expert'
M.root_markers = { 'manage.py', 'pyproject.toml', '.git' }

-- :DjangoExpert<Name> -> the server's workspace/executeCommand name (DESIGN.md section 2)
M.commands = {
  { name = 'ScopeEngagement', command = 'django-expert.scopeEngagement', title = 'Scope engagement' },
  { name = 'LoadMemory', command = 'django-expert.loadMemory', title = 'Load memory' },
  { name = 'LoadContext', command = 'django-expert.loadContext', title = 'Load context' },
  { name = 'AnalyzeProject', command = 'django-expert.analyzeProject', title = 'Analyze project' },
  { name = 'ProvideGuidance', command = 'django-expert.provideGuidance', title = 'Provide guidance' },
  { name = 'CompleteEngagement', command = 'django-expert.completeEngagement', title = 'Complete engagement' },
  { name = 'RecordDecision', command = 'django-expert.recordDecision', title = 'Record decision' },
}

-- the engagement's goals (the optional argument of the step commands)
M.goals = { 'new-feature', 'refactor', 'performance', 'security', 'debugging' }

local uv = vim.loop or vim.uv

local function is_executable(path)
  return path ~= nil and path ~= '' and vim.fn.executable(path) == 1
end

local function notify(message, level)
  vim.notify('django-expert: ' .. message, level or vim.log.levels.INFO)
end

-- How to install the server, for the message shown when it is missing (the package is not
-- on PyPI: it is installed from a clone).
M.install_hint = 'install it from a clone of django-expert: `pipx install ~/src/django-expert`, or, '
  .. 'with the project\'s virtualenv active, `python -m pip install ~/src/django-expert`; '
  .. 'then restart Neovim (or set vim.g.django_expert_cmd = { "/path/to/django-expert", "lsp" })'

--- The server command and where it was looked for: vim.g.django_expert_cmd, else the
--- `django-expert` of the active virtualenv ($VIRTUAL_ENV), or on PATH. A `.venv`/`venv` in
--- the current directory is the repository's choice of program: searched only when the
--- user opted in (vim.g.django_expert_use_project_venv, or use_project_venv in setup()).
--- Returns cmd (nil when not found), looked (a list of strings).
function M.find(opts)
  opts = opts or M.options or {}
  if type(vim.g.django_expert_cmd) == 'table' and #vim.g.django_expert_cmd > 0 then
    return vim.g.django_expert_cmd, { 'vim.g.django_expert_cmd' }
  end
  local looked = { 'vim.g.django_expert_cmd (not set)' }
  local candidates = {}
  local venv = os.getenv('VIRTUAL_ENV')
  if venv and venv ~= '' then
    table.insert(candidates, venv .. '/bin/django-expert')
  else
    table.insert(looked, '$VIRTUAL_ENV (no virtualenv active)')
  end
  local opted_in = vim.g.django_expert_use_project_venv
  if opts.use_project_venv == true or opted_in == true or opted_in == 1 then
    local cwd = vim.fn.getcwd()
    table.insert(candidates, cwd .. '/.venv/bin/django-expert')
    table.insert(candidates, cwd .. '/venv/bin/django-expert')
  end
  for _, candidate in ipairs(candidates) do
    if is_executable(candidate) then return { candidate, 'lsp' }, looked end
    table.insert(looked, candidate)
  end
  local on_path = vim.fn.exepath('django-expert')
  if on_path ~= '' then return { on_path, 'lsp' }, looked end
  table.insert(looked, 'django-expert on PATH')
  return nil, looked
end

--- The server command (a list); `{ 'django-expert', 'lsp' }` when it is not installed, so
--- that a config can still be built (M.available() then says it is missing).
function M.cmd(opts)
  return (M.find(opts)) or { 'django-expert', 'lsp' }
end

local warned = false

--- The `cmd` of lsp/django_expert.lua when the server is not installed: Neovim 0.11 silently
--- skips a config whose `cmd` table names no executable, so that config gets this function
--- (which passes its check) and its root_dir, seeing it, says what is missing instead.
function M.missing_cmd()
  M.available(M.missing_cmd)
  error('django-expert: the language server is not installed')
end

--- Whether `cmd` (default: M.cmd()) can run; if not, say once what to do and where we looked.
function M.available(cmd)
  cmd = cmd or M.cmd()
  local program = type(cmd) == 'table' and cmd[1] or 'django-expert'
  if (type(cmd) == 'function' and cmd ~= M.missing_cmd) or (type(cmd) == 'table' and is_executable(program)) then return true end
  if not warned then
    warned = true
    local _, looked = M.find()
    vim.schedule(function()
      notify('the language server `' .. tostring(program) .. '` was not found (looked at: '
        .. table.concat(looked, ', ') .. '). To use it, ' .. M.install_hint .. '.', vim.log.levels.ERROR)
    end)
  end
  return false
end

local function dirname(path)
  local parent = path:gsub('/+$', ''):match('^(.*)/[^/]*$')
  if parent == nil or parent == '' then return '/' end
  return parent
end

local function exists(path)
  return uv.fs_stat(path) ~= nil
end

--- The project root of a file: the nearest folder (the file's own first) holding one of
--- M.root_markers, or nil. Plain path walking, so it works on Neovim 0.7 (no vim.fs).
function M.root_dir(fname)
  if fname == nil or fname == '' then return nil end
  local path = vim.fn.fnamemodify(fname, ':p')
  local dir = vim.fn.isdirectory(path) == 1 and path:gsub('/+$', '') or dirname(path)
  while true do
    for _, marker in ipairs(M.root_markers) do
      if exists(dir .. '/' .. marker) then return dir end
    end
    if dir == '/' or dir == '' then return nil end
    dir = dirname(dir)
  end
end

--- Our section of `settings` ({ ['django-expert'] = {...} }), or nil.
function M.section(settings)
  return type(settings) == 'table' and settings[M.section_name] or nil
end

--- on_init: send the settings. Neovim before 0.8 cannot answer the server's
--- workspace/configuration request, so the settings are pushed (as nvim-lspconfig does).
function M.on_init(client)
  local settings = client.config.settings
  if type(settings) == 'table' and next(settings) ~= nil then
    client.notify('workspace/didChangeConfiguration', { settings = settings })
  end
end

-- the filetypes the server works on: Python, and Django templates (Neovim detects
-- `htmldjango` for .html files that start with {% extends %}, {% block %}, {% load %}, ...)
M.filetypes = { 'python', 'htmldjango' }

--- on_attach: completion through the omnifunc (CTRL-X CTRL-O) before Neovim 0.10 set it itself.
function M.on_attach(_, bufnr)
  if vim.fn.has('nvim-0.10') == 0 then
    vim.bo[bufnr].omnifunc = 'v:lua.vim.lsp.omnifunc'
  end
end

--- The client configuration (the keys vim.lsp.start/start_client take) for one root.
function M.config(root, opts)
  opts = opts or M.options or {}
  local on_init, on_attach = opts.on_init, opts.on_attach
  return {
    name = M.name,
    cmd = opts.cmd or M.cmd(opts),
    root_dir = root,
    workspace_folders = root and { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } } or nil,
    -- the settings as initializationOptions too: the first index already uses them
    init_options = opts.init_options or M.section(opts.settings),
    settings = opts.settings or {},
    on_init = function(client, result)
      M.on_init(client)
      if on_init then on_init(client, result) end
    end,
    on_attach = function(client, bufnr)
      M.on_attach(client, bufnr)
      if on_attach then on_attach(client, bufnr) end
    end,
    capabilities = opts.capabilities,
  }
end

local get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

--- Our clients, those attached to `bufnr` first.
function M.clients(bufnr)
  local attached, others = {}, {}
  for _, client in pairs(get_clients()) do
    if client.name == M.name then
      if bufnr and vim.lsp.buf_is_attached(bufnr, client.id) then
        table.insert(attached, client)
      else
        table.insert(others, client)
      end
    end
  end
  return vim.list_extend(attached, others)
end

--- Start (or reuse) the server for a Python buffer (Neovim < 0.11; 0.11+ uses vim.lsp.enable).
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local fname = vim.api.nvim_buf_get_name(bufnr)
  if fname == '' or vim.bo[bufnr].buftype ~= '' then return end
  local root = M.root_dir(fname) or vim.fn.fnamemodify(fname, ':p:h')
  local config = M.config(root)
  if not M.available(config.cmd) then return end
  if vim.lsp.start then -- 0.8+: reuses a client with the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  for _, client in ipairs(M.clients()) do -- 0.7
    if client.config.root_dir == root then
      vim.lsp.buf_attach_client(bufnr, client.id)
      return client.id
    end
  end
  local id = vim.lsp.start_client(config)
  if id then vim.lsp.buf_attach_client(bufnr, id) end
  return id
end

--- Set up without nvim-lspconfig: on Neovim 0.11+ through vim.lsp.config/vim.lsp.enable,
--- before that with a FileType autocommand. opts: cmd, init_options, settings, on_init,
--- on_attach, capabilities (as in vim.lsp.ClientConfig).
function M.setup(opts)
  M.options = opts or {}
  M.create_commands()
  if vim.lsp.config and vim.lsp.enable then
    local overrides = {}
    for _, key in ipairs({ 'cmd', 'init_options', 'settings', 'on_init', 'on_attach', 'capabilities' }) do
      overrides[key] = M.options[key]
    end
    overrides.init_options = overrides.init_options or M.section(M.options.settings)
    vim.lsp.config(M.name, overrides)
    vim.lsp.enable(M.name)
    return
  end
  local group = vim.api.nvim_create_augroup('django_expert', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.filetypes,
    callback = function(args) M.start(args.buf) end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do -- buffers opened before setup()
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.filetypes, vim.bo[bufnr].filetype) then M.start(bufnr) end
  end
end

local function request(client, method, params, handler, bufnr)
  if vim.fn.has('nvim-0.11') == 1 then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- A one-line summary of a command's result (the report, the engagement's progress, a decision).
function M.describe(title, result)
  if type(result) == 'string' then return result end
  if type(result) ~= 'table' then return title .. ': done' end
  if type(result.message) == 'string' then return result.message end
  if type(result.report) == 'string' then return 'report written to ' .. result.report end
  if type(result.recorded) == 'string' then return 'decision recorded: ' .. result.recorded end
  if type(result.steps) == 'table' then
    local done, next_step = 0, nil
    for _, step in ipairs(result.steps) do
      if step.done then done = done + 1 elseif next_step == nil then next_step = step.title or step.name end
    end
    return string.format('%s: done; engagement %d/%d%s', title, done, #result.steps,
      next_step and (', next: ' .. next_step) or ', complete')
  end
  return title .. ': done'
end

--- Send workspace/executeCommand to the django-expert server of `bufnr` (0: current).
--- `on_done(err, result)` is called with the answer (default: a notification).
function M.execute(command, arguments, bufnr, on_done)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.clients(bufnr)[1]
  local title = command
  for _, c in ipairs(M.commands) do
    if c.command == command then title = c.title end
  end
  if client == nil then
    local cmd = M.find()
    if cmd == nil then
      warned = false
      M.available({ 'django-expert' })
    else
      notify('no django-expert server is attached to this buffer: open a Python file or template of your Django '
        .. 'project (`:checkhealth vim.lsp` or `:LspInfo` says why a server did not start)', vim.log.levels.ERROR)
    end
    return false
  end
  if arguments == nil or #arguments == 0 then
    -- the document the command is about, so that the server picks its workspace folder
    arguments = vim.api.nvim_buf_get_name(bufnr) ~= '' and { vim.uri_from_bufnr(bufnr) } or {}
  end
  local params = { command = command, arguments = arguments }
  notify(title .. ' ...')
  request(client, 'workspace/executeCommand', params, function(err, result)
    if on_done then return on_done(err, result) end
    if err then
      notify(title .. ' failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    else
      notify(M.describe(title, result))
    end
  end, bufnr)
  return true
end

--- Arguments of recordDecision for the django-expert finding under the cursor.
function M.decision_arguments(status, reason)
  local bufnr = vim.api.nvim_get_current_buf()
  local cursor = vim.api.nvim_win_get_cursor(0)
  local line = cursor[1] - 1
  local found
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr, { lnum = line })) do
    if diagnostic.source == M.section_name then
      found = diagnostic
      break
    end
  end
  if found == nil then
    notify('there is no django-expert finding on this line', vim.log.levels.WARN)
    return nil
  end
  local code = found.code or (found.user_data and found.user_data.lsp and found.user_data.lsp.code)
  return { {
    uri = vim.uri_from_bufnr(bufnr),
    code = code,
    line = found.lnum,
    column = found.col,
    status = status,
    reason = reason,
  } }
end

local function record_decision(opts)
  local status, reason = (opts.args or ''):match('^%s*(%S+)%s*(.-)%s*$')
  if status == nil or not vim.tbl_contains({ 'accepted', 'rejected', 'todo' }, status) then
    notify('usage: :DjangoExpertRecordDecision accepted|rejected|todo REASON', vim.log.levels.ERROR)
    return
  end
  local arguments = M.decision_arguments(status, reason)
  if arguments then M.execute('django-expert.recordDecision', arguments) end
end

--- The :DjangoExpert* user commands (plugin/django_expert.lua calls this at startup).
function M.create_commands()
  for _, c in ipairs(M.commands) do
    if c.name == 'RecordDecision' then
      vim.api.nvim_create_user_command('DjangoExpert' .. c.name, record_decision, {
        nargs = '+',
        complete = function() return { 'accepted', 'rejected', 'todo' } end,
        desc = 'django-expert: record a decision about the finding on this line',
      })
    else
      -- optional argument: the engagement's goal (else the server asks, or uses its default)
      vim.api.nvim_create_user_command('DjangoExpert' .. c.name, function(opts)
        local goal = opts.args ~= '' and opts.args or nil
        local arguments = nil
        if goal then
          local bufnr = vim.api.nvim_get_current_buf()
          arguments = { { goal = goal, uri = vim.api.nvim_buf_get_name(bufnr) ~= '' and vim.uri_from_bufnr(bufnr) or nil } }
        end
        M.execute(c.command, arguments)
      end, {
        nargs = '?',
        complete = function() return M.goals end,
        desc = 'django-expert: ' .. c.title .. ' [goal]',
      })
    end
  end
end

return M
