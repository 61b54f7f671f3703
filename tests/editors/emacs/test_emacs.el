;;; test_emacs.el --- batch Emacs + Eglot end-to-end test of django-expert.el  -*- lexical-binding: t -*-
;;
;;   emacs --batch -l test_emacs.el      (run.sh sets the environment)
;;
;; env: DJE_INIT (the init file: the snippet of editors/emacs/README.md), DJE_WS (a copy of
;; tests/workspaces/shop).  Tested with Emacs 28.2 + elpa-eglot 1.9 (Debian bookworm).
;; Checks: the shipped .el starts the server through eglot-ensure; Flymake shows DJE201
;; (catalog/models.py:34); the quick fix "Remove null=True", picked through M-x
;; eglot-code-actions, edits the line and the diagnostic goes;
;; the README's .dir-locals.el settings hide DJE206 in orders/models/order.py;
;; M-x django-expert-complete-engagement writes the report; M-x
;; django-expert-record-decision turns DJE202 into a note; the template
;; catalog/templates/catalog/broken.html (mhtml-mode, the README's html-mode-hook) gets its
;; DJE109; a second start reads the facts cache the first saved after indexing (its time printed,
;; and the server's "K of M read from the cache" checked);
;; completion-at-point after `filter(category__' offers Category's fields; eglot-code-actions
;; lists only the findings of the requested line; the engagement asks its goal
;; (window/showMessageRequest through eglot's completing-read) and the answer reaches the
;; report.  Text "screenshots" of the key moments (the window: buffer lines with their
;; Flymake diagnostics, the echo area, *Completions*) go to $DJE_ARTIFACTS/emacs-*.txt.
;; Exit status: 0 passed, 1 a check failed, 2 a Lisp error.

(require 'cl-lib)
(require 'package)

(defvar dje-failures 0)
(defvar dje-start (float-time))

(defun dje-out (fmt &rest args)
  (princ (concat (apply #'format fmt args) "\n")))  ; stdout in --batch

(defun dje-check (ok what)
  (dje-out "%s %s (%.1fs)" (if ok "PASS" "FAIL") what (- (float-time) dje-start))
  (unless ok (cl-incf dje-failures))
  ok)

(defun dje-run-idle-timers ()
  "Fire pending idle timers, as the command loop does once the user is idle.
Batch Emacs never goes idle, and Eglot sends didChange from an idle timer."
  (dolist (timer (copy-sequence timer-idle-list))
    (timer-event-handler timer)))

(defun dje-wait (pred &optional timeout)
  "Pump process output and timers until PRED is non-nil or TIMEOUT seconds pass."
  (let ((deadline (+ (float-time) (or timeout 15))))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (dje-run-idle-timers))
    (funcall pred)))

(defun dje-diagnostics (regexp)
  "Flymake diagnostics of the buffer whose text matches REGEXP."
  (cl-remove-if-not (lambda (d) (string-match-p regexp (flymake-diagnostic-text d)))
                    (flymake-diagnostics)))

(defun dje-line (n)
  (save-excursion (goto-char (point-min)) (forward-line (1- n))
                  (buffer-substring-no-properties (line-beginning-position) (line-end-position))))

(defvar dje-messages nil)

(defun dje-screen (name &optional extra)
  "Write a text \"screenshot\" NAME of the selected window to $DJE_ARTIFACTS/emacs-NAME.txt.
Batch Emacs never redisplays, so this renders what a terminal frame would show: the lines
around point with their numbers, a Flymake marker and diagnostic per line, a mode line,
the echo area (the last message) and EXTRA (e.g. the *Completions* list)."
  (with-current-buffer (window-buffer (selected-window))
   (let* ((dir (or (getenv "DJE_ARTIFACTS") default-directory))
         (file (expand-file-name (format "emacs-%s.txt" name) dir))
         (here (line-number-at-pos))
         (first (max 1 (- here 10)))
         (last (min (line-number-at-pos (point-max)) (+ here 10)))
         (lines nil)
         (mode-line (format "-U:%s-  %s    (%s) L%d  Flymake[%d]" (if (buffer-modified-p) "**" "--") (buffer-name)
                            (format-mode-line mode-name) here (length (flymake-diagnostics)))))
    (save-excursion
      (goto-char (point-min))
      (forward-line (1- first))
      (while (and (<= (line-number-at-pos) last) (not (eobp)))
        (let* ((diags (flymake-diagnostics (line-beginning-position) (line-end-position)))
               (mark (cond ((cl-find 'eglot-error diags :key #'flymake-diagnostic-type) "E")
                           ((cl-find 'eglot-warning diags :key #'flymake-diagnostic-type) "W")
                           (diags "i") (t " ")))
               (text (buffer-substring-no-properties (line-beginning-position) (line-end-position))))
          (push (format "%s%4d %s %-70s%s" (if (= (line-number-at-pos) here) ">" " ") (line-number-at-pos) mark
                        (truncate-string-to-width text 70)
                        (if diags (concat "  <- " (mapconcat (lambda (d) (truncate-string-to-width (flymake-diagnostic-text d) 90)) diags " | ")) ""))
                lines))
        (forward-line 1)))
    (make-directory dir t)
    (with-temp-file file
      (insert (format "emacs %s + eglot, batch -- %s\n%s\n" emacs-version name (make-string 100 ?-)))
      (insert (mapconcat #'identity (nreverse lines) "\n") "\n")
      (insert mode-line "\n")
      (insert (format "echo area: %s\n" (or (car dje-messages) "")))
      (when extra (insert (make-string 100 ?-) "\n" extra "\n")))
    (dje-out "screenshot: %s" file))))

(defun dje-main ()
  (let* ((ws (file-name-as-directory (getenv "DJE_WS")))
         (file (expand-file-name "catalog/models.py" ws)))
    ;; What Emacs does at startup before the user's init file: activate the packages
    ;; (Debian's elpa-eglot), then load the init file (the README's snippet).
    (package-activate-all)
    (load (getenv "DJE_INIT") nil t)
    (dje-out "emacs %s, eglot %s" emacs-version
             (or (ignore-errors (package-version-join
                                 (package-desc-version (cadr (assq 'eglot package-alist)))))
                 "?"))
    (dje-check (and (featurep 'django-expert) (commandp 'django-expert-complete-engagement))
               "django-expert.el loaded; M-x django-expert-complete-engagement defined")
    (dje-check (cl-find #'django-expert--contact eglot-server-programs :key #'cdr)
               "django-expert registered in eglot-server-programs")
    (advice-add 'message :before (lambda (fmt &rest args)
                                   (when fmt (push (apply #'format-message fmt args) dje-messages))))
    (setq eglot-sync-connect 30 eglot-connect-timeout 60)

    (find-file file)                    ; python-mode -> eglot-ensure
    ;; eglot-ensure connects from post-command-hook; batch has no command loop
    (run-hooks 'post-command-hook)
    (unless (dje-check (dje-wait (lambda () (eglot-current-server)) 30) "eglot connected through eglot-ensure")
      (error "no server; messages: %S" dje-messages))
    (let ((server (eglot-current-server)))
      (dje-check (equal (file-name-as-directory (expand-file-name (project-root (eglot--project server))))
                        (file-name-as-directory (expand-file-name ws)))
                 (format "workspace root is the project (manage.py): %s" (project-root (eglot--project server))))
      (dje-out "server command: %S" (process-command (jsonrpc--process server))))

    ;; 1. the finding in Flymake (after the first index)
    (let ((got (dje-wait (lambda () (dje-diagnostics "null=True")) 60)))
      (unless got
        (flymake-start)
        (setq got (dje-wait (lambda () (dje-diagnostics "null=True")) 20)))
      (unless (dje-check got "Flymake shows DJE201")
        (error "no diagnostic; flymake has %S" (mapcar #'flymake-diagnostic-text (flymake-diagnostics))))
      (let ((d (car got)))
        (dje-check (= (line-number-at-pos (flymake-diagnostic-beg d)) 34)
                   (format "on line %d: %s" (line-number-at-pos (flymake-diagnostic-beg d))
                           (flymake-diagnostic-text d)))))
    (dje-check (dje-diagnostics "__str__") "DJE202 (Tag has no __str__) also shown")

    ;; a template: mhtml-mode -> html-mode-hook -> django-expert-ensure -> the same server
    (let ((models-buffer (current-buffer)))
      (find-file (expand-file-name "catalog/templates/catalog/broken.html" ws))
      (run-hooks 'post-command-hook)
      (dje-check (dje-wait (lambda () (eglot-current-server)) 20)
                 (format "the template (%s) is managed by the django-expert server" major-mode))
      (flymake-start)
      (let ((url (dje-wait (lambda () (dje-diagnostics "no-such-view")) 30)))
        (dje-check (and url (= (line-number-at-pos (flymake-diagnostic-beg (car url))) 3))
                   (format "the template gets its {%% url %%} diagnostic: %S"
                           (mapcar (lambda (d) (format "line %d: %s" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-text d)))
                                   (flymake-diagnostics)))))
      (switch-to-buffer models-buffer))

    (goto-char (point-min))
    (forward-line 33)
    (dje-screen "diagnostics")
    ;; code actions are the requested line's: line 34 (DJE201) and line 21 (class Tag, DJE202)
    ;; have none in common
    (cl-flet ((titles (line)
                (save-excursion
                  (goto-char (point-min)) (forward-line (1- line))
                  (mapcar (lambda (a) (plist-get a :title))
                          (eglot-code-actions (line-beginning-position) (line-end-position))))))
      (let ((on-34 (titles 34)) (on-21 (titles 21)))
        (dje-check (and (cl-some (lambda (tt) (string-prefix-p "Remove null=True" tt)) on-34)
                        (cl-some (lambda (tt) (string-match-p "DJE202" tt)) on-21)
                        (not (cl-some (lambda (tt) (string-match-p "DJE202\\|__str__" tt)) on-34))
                        (not (cl-some (lambda (tt) (string-match-p "DJE201\\|null=True" tt)) on-21)))
                   (format "code actions list only the line's findings: line 34 %S; line 21 %S" on-34 on-21))))

    ;; 2. the quick fix, as M-x eglot-code-actions with point on the finding; the user picks
    ;;    "Remove null=True".  completing-read would read stdin in batch.
    (goto-char (point-min))
    (forward-line 33)
    (forward-char 4)
    (let ((last-nonmenu-event 13)       ; not a mouse event: completing-read, not x-popup-menu
          (offered nil) (picked nil))
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (_prompt collection &rest _)
                   (setq offered (mapcar (lambda (c) (if (consp c) (car c) c)) collection))
                   (setq picked (cl-find-if (lambda (title) (string-prefix-p "Remove null=True" title)) offered))
                   (dje-screen "code-actions" (concat "[eglot] Pick an action (default " (or picked "?") "):\n  "
                                                      (mapconcat #'identity offered "\n  ")))
                   picked)))
        (call-interactively #'eglot-code-actions))
      (dje-check picked (format "code actions offered: %s" (mapconcat #'identity offered " | ")))
      (dje-check (dje-wait (lambda () (equal (dje-line 34) "    description = models.TextField()")) 10)
                 (format "quick fix applied: line 34 = %S" (dje-line 34))))
    (dje-check (dje-wait (lambda () (null (dje-diagnostics "null=True"))) 20)
               "DJE201 gone after the fix")
    (dje-check (dje-diagnostics "__str__") "DJE202 still shown (diagnostics are live)")

    ;; the README's .dir-locals.el (ignore DJE206), answered to workspace/configuration:
    ;; orders/models/order.py shows DJE205 (Order.total is a FloatField) but not DJE206
    (let ((models-buffer (current-buffer)))
      (find-file (expand-file-name "orders/models/order.py" ws))
      (run-hooks 'post-command-hook)
      (flymake-start)                   ; batch: a second buffer's first check waits for a redisplay
      (let ((shown (dje-wait (lambda () (dje-diagnostics "FloatField")) 30)))
        (dje-check (and shown (null (dje-diagnostics "unique_together")))
                   (format "settings from .dir-locals.el: order.py shows %S, not DJE206 (unique_together)"
                           (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))))
      (switch-to-buffer models-buffer))

    ;; completion: M-x completion-at-point (eglot's capf) after `filter(category__' in an unsaved
    ;; buffer offers Category's fields as lookups (the items' textEdit covers the typed prefix),
    ;; not "No match"; the completion UI is stubbed to record what it would list.
    (let ((models-buffer (current-buffer)) (shown nil) (inserted nil))
      (find-file (expand-file-name "catalog/views.py" ws))
      (run-hooks 'post-command-hook)
      (dje-wait (lambda () (eglot-current-server)) 20)
      (goto-char (point-max))
      (insert "\n\ndef more():\n    return Product.objects.filter(category__")
      (dje-run-idle-timers)
      (cl-letf (((symbol-function 'completion-in-region)
                 (lambda (start end collection &optional predicate)
                   (let* ((typed (buffer-substring-no-properties start end))
                          (all (completion-all-completions typed collection predicate (length typed))))
                     (when (consp all) (setcdr (last all) nil))
                     (setq shown (cons typed (mapcar #'substring-no-properties all)))
                     ;; the user picks category__name: insert it and run eglot's exit function
                     (let ((pick (cl-find "category__name" all :test #'string=)))
                       (when pick
                         (completion--replace start end pick)
                         (let ((exit (plist-get completion-extra-properties :exit-function)))
                           (when exit (funcall exit pick 'finished)))
                         (setq inserted (buffer-substring-no-properties (line-beginning-position) (line-end-position)))))
                     t))))
        (let ((completion-extra-properties nil))
          (dje-wait (lambda ()
                      (unless shown
                        (let ((completion-at-point-functions '(eglot-completion-at-point)))
                          (ignore-errors (completion-at-point))))
                      shown)
                    30)))
      (dje-check (and shown (equal (car shown) "category__")
                      (member "category__name" (cdr shown)) (member "category__parent" (cdr shown))
                      (not (member "category_id" (cdr shown))))
                 (format "completion-at-point after filter(category__ offers Category's fields: %S" shown))
      (dje-check (equal inserted "    return Product.objects.filter(category__name")
                 (format "picking category__name completes the line: %S" inserted))
      (dje-screen "completion" (concat "*Completions* (typed \"" (or (car shown) "") "\"):\n  "
                                       (mapconcat #'identity (cdr shown) "\n  ")))
      (set-buffer-modified-p nil)
      (switch-to-buffer models-buffer))

    ;; 3. the engagement command writes the report
    ;;    The server asks the goal (window/showMessageRequest): eglot asks it with
    ;;    completing-read; the user picks "security", which the report names as asked.
    (setq dje-messages nil)
    (call-interactively #'django-expert-complete-engagement)
    (let ((report nil) (failed nil) (question nil) (choices nil))
      (cl-letf (((symbol-function 'completing-read)
                 (lambda (prompt collection &rest _)
                   (setq question prompt choices (mapcar (lambda (c) (if (consp c) (car c) c)) collection))
                   (dje-screen "engagement-question"
                               (format "Minibuffer: %s\n  %s" prompt (mapconcat #'identity choices "  ")))
                   "security")))
        (dje-wait (lambda ()
                    (setq report (car (file-expand-wildcards (expand-file-name "claudedocs/django_*.md" ws))))
                    (setq failed (cl-find-if (lambda (m) (string-match-p "failed\\|timed out" m)) dje-messages))
                    (or report failed))
                  120))
      (dje-check (and question (string-match-p "goal" question) (member "security" choices))
                 (format "the engagement asked its goal: %S, choices %S" question choices))
      (when report
        (let ((goal (with-temp-buffer (insert-file-contents report)
                                      (and (re-search-forward "^- Goal: .*$" nil t) (match-string 0)))))
          ;; (without an answer the goal would be the default, whole-project review)
          (dje-check (and goal (string-match-p "\\*\\*security\\*\\* (asked)" goal))
                     (format "the answer reached the server: the report says %S" goal))))
      (when failed (dje-out "the command answered: %s" failed))
      (when (dje-check report (format "M-x django-expert-complete-engagement wrote %s" report))
        (dje-out "report: %s" (with-temp-buffer (insert-file-contents report) (buffer-substring (point-min) (line-end-position 1))))
        ;; the command's answer, shown in the echo area
        (dje-check (dje-wait (lambda () (cl-find-if (lambda (m) (string-match-p "django-expert: report written to" m)) dje-messages)) 30)
                   "the command answered: report written")))

    ;; 4. M-x django-expert-record-decision on the DJE202 line (Tag): recorded in the project's
    ;;    memory, and the finding comes back as a note (LSP hint) with the reason
    (setq dje-messages nil)
    (goto-char (point-min))
    (forward-line 20)
    (cl-letf (((symbol-function 'completing-read) (lambda (&rest _) "accepted"))
              ((symbol-function 'read-string) (lambda (&rest _) "Tags are internal, never shown to users")))
      (call-interactively #'django-expert-record-decision))
    (let ((answer (dje-wait (lambda () (cl-find-if (lambda (m) (string-match-p "decision recorded\\|failed" m))
                                                   dje-messages))
                            30)))
      (dje-check (and answer (string-match-p "decision recorded" answer))
                 (format "M-x django-expert-record-decision: %s" answer)))
    (dje-check (dje-wait (lambda () (cl-find-if (lambda (d) (eq (flymake-diagnostic-type d) 'eglot-note))
                                                (dje-diagnostics "__str__")))
                         15)
               (format "DJE202 is now a note: %S" (mapcar #'flymake-diagnostic-text (dje-diagnostics "__str__"))))

    (set-buffer-modified-p nil)
    (eglot-shutdown (eglot-current-server))
    (dje-second-start file)))

(defun dje-second-start (file)
  "Start again on FILE: the server reads the facts cache the first start saved after indexing.
Eglot 1.9 declares no window/workDoneProgress, so the server sends no indexing progress; with
--verbose its log line on stderr (\"N files checked, K of M read from the cache\", in the server's stderr
buffer) says how many files came from the cache.  The time is printed."
  (let ((cache (car (directory-files-recursively (expand-file-name "django-expert" (getenv "XDG_CACHE_HOME")) "\\.pickle\\'"))))
    (dje-check cache (format "the facts cache exists after the first start: %s" cache)))
  (dolist (buffer (buffer-list))
    (when (or (buffer-file-name buffer) (string-match-p "stderr\\*\\'" (buffer-name buffer)))
      (with-current-buffer buffer (set-buffer-modified-p nil)) (kill-buffer buffer)))
  ;; the same server with --verbose (its information on stderr), through the documented option
  (setq django-expert-server-command (append (django-expert-server-program) '("--verbose")))
  (let ((start (float-time)))
    (find-file file)
    (run-hooks 'post-command-hook)
    (dje-wait (lambda () (eglot-current-server)) 30)
    (let ((got (dje-wait (lambda () (dje-diagnostics "null=True")) 60)))
      (dje-check got (format "second start: diagnostics of catalog/models.py after %.2fs" (- (float-time) start)))))
  (let* ((server (eglot-current-server))
         (buffers (list (jsonrpc-stderr-buffer server) (jsonrpc-events-buffer server)))
         (line (dje-wait (lambda ()
                           (cl-some (lambda (buffer)
                                      (with-current-buffer buffer
                                        (save-excursion
                                          (goto-char (point-max))
                                          (when (re-search-backward "[0-9]+ files checked, \\([0-9]+\\) of [0-9]+ read from the cache" nil t)
                                            (cons (string-to-number (match-string 1))
                                                  (buffer-substring (line-beginning-position) (line-end-position)))))))
                                    buffers))
                         15)))
    (dje-check (and line (> (car line) 0))
               (format "the second start read files from the cache: %s"
                       (or (cdr line) (format "no such line in the server's stderr; events: %S"
                                              (with-current-buffer (cadr buffers)
                                                (buffer-substring (max (point-min) (- (point-max) 800)) (point-max))))))))
  (eglot-shutdown (eglot-current-server)))

(condition-case err
    (progn
      (dje-main)
      (dje-out (if (zerop dje-failures) "ALL PASSED" (format "%d FAILED" dje-failures)))
      (kill-emacs (if (zerop dje-failures) 0 1)))
  (error
   (dje-out "ERROR %S" err)
   (kill-emacs 2)))
