;;; django-expert.el --- Django Expert language server for Eglot  -*- lexical-binding: t -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1") (eglot "1.9"))
;; Keywords: languages, tools, python, django
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; Findings, quick fixes and the expert review workflow ("engagement") for Django and
;; Django REST Framework projects, from the `django-expert' language server, through Eglot.
;;
;; Loading this file registers the server with Eglot for `python-mode' and
;; `python-ts-mode', and for Django templates in `html-mode', `mhtml-mode' and `web-mode'
;; (see `django-expert-register-with-eglot'), and defines one command per engagement step:
;;
;;   M-x django-expert-scope-engagement      M-x django-expert-analyze-project
;;   M-x django-expert-load-memory           M-x django-expert-provide-guidance
;;   M-x django-expert-load-context          M-x django-expert-complete-engagement
;;   M-x django-expert-record-decision
;;
;; Setup (see editors/emacs/README.md):
;;
;;   (add-to-list 'load-path "~/src/django-expert/editors/emacs")
;;   (require 'django-expert)
;;   (add-hook 'python-mode-hook #'eglot-ensure)
;;   (add-hook 'html-mode-hook #'django-expert-ensure)   ; templates (mhtml-mode too)
;;
;; When the server is not installed, a warning says what to install, how, and where it was
;; looked for (instead of an error in `post-command-hook').

;;; Code:

(require 'cl-lib)
(require 'eglot)
(require 'flymake)
(require 'jsonrpc)
(require 'project)
(require 'subr-x)

(defgroup django-expert nil
  "Django Expert: Django and DRF review through the django-expert language server."
  :group 'tools
  :prefix "django-expert-")

(defcustom django-expert-server-command nil
  "The command that starts the language server, as a list of strings.
nil finds `django-expert' in this order: the active virtualenv
\($VIRTUAL_ENV or `python-shell-virtualenv-root'), a `.venv' or `venv'
folder above the file when `django-expert-use-project-venv' is set,
then `exec-path', and runs it with the argument \"lsp\".
Example: (\"/path/to/django-expert\" \"lsp\")."
  :type '(choice (const :tag "Find django-expert" nil)
                 (repeat :tag "Command and arguments" string))
  :risky t
  :group 'django-expert)

(defcustom django-expert-use-project-venv nil
  "Non-nil: also run the `django-expert' of a `.venv' or `venv' folder above the file.
Such a program is the opened repository's choice, so it is used only
when you ask for it.  A risky local variable: a repository's
`.dir-locals.el' cannot turn it on without asking."
  :type 'boolean
  :risky t
  :group 'django-expert)

(defcustom django-expert-initialization-options nil
  "Settings sent to the server when it starts, as a plist.
The keys are those of [tool.django-expert] in pyproject.toml and they
override the project's file, for example
  (:ignore [\"DJE202\"] :settings-module \"shop.settings.prod\").
Settings can also be given per project in `eglot-workspace-configuration'
under the section :django-expert."
  :type '(plist :key-type symbol :value-type sexp)
  :group 'django-expert)

(defcustom django-expert-major-modes '(python-mode python-ts-mode)
  "The major modes whose buffers the server manages."
  :type '(repeat symbol)
  :group 'django-expert)

(defcustom django-expert-template-modes '(html-mode mhtml-mode web-mode)
  "The major modes of Django templates the server manages.
`django-expert-ensure' connects their buffers only under a `templates'
folder, where the server reads templates."
  :type '(repeat symbol)
  :group 'django-expert)

(defcustom django-expert-register-with-eglot t
  "Non-nil: loading django-expert adds the server to `eglot-server-programs'.
Eglot runs one server per buffer, so for `django-expert-major-modes' it
then starts django-expert instead of another Python server."
  :type 'boolean
  :group 'django-expert)

(defcustom django-expert-root-markers '("manage.py" "pyproject.toml")
  "Files that mark a project root when the project is not under version control.
Eglot takes the workspace root from project.el, which finds version
control roots; for a project outside version control, the nearest
folder with one of these files is the root (instead of the file's own
folder).  nil: no fallback."
  :type '(repeat string)
  :group 'django-expert)

(defcustom django-expert-command-timeout 600
  "Seconds to wait for an engagement command to finish."
  :type 'integer
  :group 'django-expert)

(defconst django-expert--commands
  '((django-expert-scope-engagement "django-expert.scopeEngagement" "Scope engagement")
    (django-expert-load-memory "django-expert.loadMemory" "Load memory")
    (django-expert-load-context "django-expert.loadContext" "Load context")
    (django-expert-analyze-project "django-expert.analyzeProject" "Analyze project")
    (django-expert-provide-guidance "django-expert.provideGuidance" "Provide guidance")
    (django-expert-complete-engagement "django-expert.completeEngagement" "Complete engagement")
    (django-expert-record-decision "django-expert.recordDecision" "Record decision"))
  "Interactive command, the server's command, title.")

;;; Finding the server

(defun django-expert--venv-candidates ()
  "Virtualenv folders that may hold django-expert, most specific first."
  (let ((dirs nil))
    (when django-expert-use-project-venv
      (dolist (name '(".venv" "venv"))
        (let ((above (locate-dominating-file default-directory name)))
          (when above (push (expand-file-name name above) dirs)))))
    (when (bound-and-true-p python-shell-virtualenv-root)
      (push python-shell-virtualenv-root dirs))
    (when (getenv "VIRTUAL_ENV")
      (push (getenv "VIRTUAL_ENV") dirs))
    dirs))

(defun django-expert-server-program ()
  "The command list that starts the server, or nil when it is not installed."
  (or django-expert-server-command
      (let ((found (or (cl-loop for dir in (django-expert--venv-candidates)
                                for exe = (expand-file-name "bin/django-expert" dir)
                                when (file-executable-p exe) return exe)
                       (executable-find "django-expert"))))
        (and found (list found "lsp")))))

(defun django-expert--looked ()
  "Where `django-expert-server-program' looked, as a string."
  (mapconcat #'identity
             (append '("`django-expert-server-command' (not set)")
                     (mapcar (lambda (dir) (expand-file-name "bin/django-expert" dir))
                             (django-expert--venv-candidates))
                     (unless (or (getenv "VIRTUAL_ENV") (bound-and-true-p python-shell-virtualenv-root))
                       '("$VIRTUAL_ENV (no virtualenv active)"))
                     '("django-expert on `exec-path'"))
             ", "))

(defun django-expert-missing-message ()
  "What to do when the server is not installed, and where it was looked for."
  (format "the language server `django-expert' was not found (looked at: %s). To use it, install it from a clone of django-expert (it is not on PyPI): `pipx install ~/src/django-expert', or, with the project's virtualenv active, `python -m pip install ~/src/django-expert'; then M-x eglot (or set `django-expert-server-command')."
          (django-expert--looked)))

(defvar django-expert--warned nil
  "Non-nil once the missing server was reported in this session.")

(defun django-expert--report-missing ()
  "Say once per session that the server is missing, as a warning."
  (unless django-expert--warned
    (setq django-expert--warned t)
    (display-warning 'django-expert (django-expert-missing-message) :error)))

(defun django-expert--ours-p ()
  "Non-nil when the current buffer is one django-expert's Eglot entry manages."
  (and django-expert-register-with-eglot
       (apply #'derived-mode-p (append django-expert-major-modes django-expert-template-modes))))

(defun django-expert--skip-ensure (&rest _)
  "Before `eglot-ensure': report a missing server and skip, for our buffers.
Eglot would otherwise fail from `post-command-hook' with a dump of its
byte-compiled hook function."
  (when (and (django-expert--ours-p) (not (django-expert-server-program)))
    (django-expert--report-missing)
    t))

(advice-add 'eglot-ensure :before-until #'django-expert--skip-ensure)

(defun django-expert--template-p ()
  "Non-nil when the current buffer's file lies under a `templates' folder."
  (and buffer-file-name
       (locate-dominating-file buffer-file-name
                               (lambda (dir) (equal (file-name-nondirectory (directory-file-name dir)) "templates")))))

;;;###autoload
(defun django-expert-ensure ()
  "Start django-expert for this buffer with `eglot-ensure', for mode hooks.
Python buffers always; template buffers (`django-expert-template-modes')
only under a `templates' folder.  When the server is missing, a warning
says what to install and where it was looked for."
  (when (or (apply #'derived-mode-p django-expert-major-modes) (django-expert--template-p))
    (eglot-ensure)))

(defun django-expert--contact (&optional _interactive)
  "The Eglot contact for the server (see `eglot-server-programs')."
  (let ((program (django-expert-server-program)))
    (unless program
      (user-error "django-expert: %s" (django-expert-missing-message)))
    (if django-expert-initialization-options
        (append program (list :initializationOptions django-expert-initialization-options))
      program)))

;;;###autoload
(defun django-expert-eglot-setup ()
  "Add the django-expert server to `eglot-server-programs'."
  (interactive)
  (setq eglot-server-programs
        (cons (cons (append django-expert-major-modes django-expert-template-modes) #'django-expert--contact)
              (cl-remove-if (lambda (entry) (eq (cdr entry) #'django-expert--contact))
                            eglot-server-programs))))

;;; The project root

(defun django-expert-find-project (dir)
  "A project.el project for DIR: the folder of a root marker above it.
The markers are `django-expert-root-markers', tried in order.  Only
for buffers of `django-expert-major-modes'; added at the end of
`project-find-functions', so version control roots come first."
  (when (and django-expert-root-markers
             (apply #'derived-mode-p (append django-expert-major-modes django-expert-template-modes)))
    (let ((root (cl-loop for marker in django-expert-root-markers
                         for found = (locate-dominating-file dir marker)
                         when found
                         return found)))
      (and root (cons 'transient (expand-file-name root))))))

(add-hook 'project-find-functions #'django-expert-find-project 90)

;;; Commands

(defun django-expert--server ()
  "The django-expert Eglot server of the current buffer, or a `user-error'."
  (let ((server (eglot-current-server)))
    (unless server
      (user-error "django-expert: no language server for this buffer; open a Python file of the project (M-x eglot)"))
    (let* ((provider (plist-get (eglot--capabilities server) :executeCommandProvider))
           (commands (and provider (plist-get provider :commands))))
      (unless (seq-contains-p commands "django-expert.completeEngagement")
        (user-error "django-expert: this buffer's language server is not django-expert")))
    server))

(defun django-expert--describe (title result)
  "A one-line summary of the RESULT of the command TITLE."
  (let ((report (and (listp result) (plist-get result :report)))
        (message (and (listp result) (plist-get result :message)))
        (recorded (and (listp result) (plist-get result :recorded)))
        (steps (and (listp result) (plist-get result :steps))))
    (cond ((stringp message) message)
          ((stringp report) (format "report written to %s" report))
          ((stringp recorded) (format "decision recorded: %s" recorded))
          ((vectorp steps)
           (let ((done (cl-count-if (lambda (step) (eq (plist-get step :done) t)) steps))
                 (next (cl-find-if-not (lambda (step) (eq (plist-get step :done) t)) steps)))
             (format "%s: done; engagement %d/%d%s" title done (length steps)
                     (if next (format ", next: %s" (plist-get next :title)) ", complete"))))
          ((stringp result) result)
          (t (format "%s: done" title)))))

(defconst django-expert-goals '("new-feature" "refactor" "performance" "security" "debugging")
  "The engagement's goals.")

(defun django-expert--goal-arguments (goal)
  "Command arguments naming GOAL (nil: none, the server asks or uses its default)."
  (when (and goal (not (string-empty-p goal)))
    (vector (list :goal goal :uri (and buffer-file-name (eglot--path-to-uri buffer-file-name))))))

(defun django-expert-execute (command &optional arguments callback)
  "Send workspace/executeCommand COMMAND with ARGUMENTS (a vector) to the server.
Without ARGUMENTS, the current file's URI (the server works on its
workspace folder).  Returns at once; CALLBACK, if non-nil, is called
with the result, else the result is shown in the echo area."
  (let* ((server (django-expert--server))
         (arguments (or arguments
                        (and buffer-file-name (vector (eglot--path-to-uri buffer-file-name)))))
         (title (or (nth 2 (cl-find command django-expert--commands :key #'cadr :test #'equal))
                    command)))
    (message "django-expert: %s..." title)
    (jsonrpc-async-request
     server :workspace/executeCommand
     `(:command ,command :arguments ,(or arguments []))
     :timeout django-expert-command-timeout
     :success-fn (lambda (result)
                   (if callback
                       (funcall callback result)
                     (message "django-expert: %s" (django-expert--describe title result))))
     :error-fn (lambda (error)
                 (message "django-expert: %s failed: %s" title
                          (or (plist-get error :message) error)))
     :timeout-fn (lambda ()
                   (message "django-expert: %s timed out after %ss" title
                            django-expert-command-timeout)))))

(defmacro django-expert--define-command (name command title)
  "Define the interactive command NAME running the server's COMMAND (TITLE)."
  `(defun ,name (&optional goal)
     ,(format "Run the engagement step \"%s\".
Sends the server command `%s'.
With a prefix argument, ask for the engagement's GOAL (else the
server asks, or continues the engagement in progress)." title command)
     (interactive
      (list (and current-prefix-arg
                 (completing-read "Goal: " django-expert-goals nil t))))
     (django-expert-execute ,command (django-expert--goal-arguments goal))))

(django-expert--define-command django-expert-scope-engagement "django-expert.scopeEngagement" "Scope engagement")
(django-expert--define-command django-expert-load-memory "django-expert.loadMemory" "Load memory")
(django-expert--define-command django-expert-load-context "django-expert.loadContext" "Load context")
(django-expert--define-command django-expert-analyze-project "django-expert.analyzeProject" "Analyze project")
(django-expert--define-command django-expert-provide-guidance "django-expert.provideGuidance" "Provide guidance")
(django-expert--define-command django-expert-complete-engagement "django-expert.completeEngagement" "Complete engagement")

(defun django-expert--finding-at-point ()
  "The LSP diagnostic (a plist) of the django-expert finding at point, or nil."
  (cl-loop for diagnostic in (flymake-diagnostics (line-beginning-position) (line-end-position))
           for data = (flymake-diagnostic-data diagnostic)
           for lsp = (or (and (listp data) (consp (car-safe data)) (cdr (assoc 'eglot-lsp-diag data)))
                         (and (listp data) (plist-get data :eglot-lsp-diag)))
           when (and lsp (equal (plist-get lsp :source) "django-expert"))
           return lsp))

(defun django-expert-record-decision (status reason)
  "Record a decision about the django-expert finding at point.
STATUS is accepted, rejected or todo.  REASON goes to the project's
memory, and the finding is shown with it from now on."
  (interactive
   (list (completing-read "Decision: " '("accepted" "rejected" "todo") nil t nil nil "accepted")
         (read-string "Reason: ")))
  (let ((diagnostic (django-expert--finding-at-point)))
    (unless diagnostic
      (user-error "django-expert: there is no django-expert finding on this line"))
    (let ((start (plist-get (plist-get diagnostic :range) :start)))
      (django-expert-execute
       "django-expert.recordDecision"
       (vector (list :uri (eglot--path-to-uri (buffer-file-name))
                     :code (format "%s" (plist-get diagnostic :code))
                     :line (plist-get start :line)
                     :column (plist-get start :character)
                     :status status
                     :reason reason))))))

(when django-expert-register-with-eglot
  (django-expert-eglot-setup))

(provide 'django-expert)
;;; django-expert.el ends here
