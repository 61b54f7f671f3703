;;; test_missing.el --- batch Emacs: django-expert.el when the server is not installed  -*- lexical-binding: t -*-
;;
;; run.sh missing: no virtualenv, nothing on exec-path.  Opening a Python file (the README's
;; eglot-ensure hook, run from post-command-hook as the command loop does) must show a
;; warning that says what to install, how and where it looked, and raise no error there
;; (Emacs would print "Error in post-command-hook (#[...byte-code...])").  Exit status 0/1/2.
(require 'cl-lib)
(require 'package)
(defvar dje-failures 0)
(defun dje-out (fmt &rest args) (princ (concat (apply #'format fmt args) "\n")))
(defun dje-check (ok what)
  (dje-out "%s %s" (if ok "PASS" "FAIL") what)
  (unless ok (cl-incf dje-failures))
  ok)
(condition-case err
    (progn
      (package-activate-all)
      (load (getenv "DJE_INIT") nil t)
      (find-file (expand-file-name "catalog/models.py" (getenv "DJE_WS")))
      (let ((hook-error (condition-case e (progn (run-hooks 'post-command-hook) nil) (error e))))
        (dje-check (null hook-error) (format "no error in post-command-hook: %S" hook-error)))
      (let ((warnings (and (get-buffer "*Warnings*") (with-current-buffer "*Warnings*" (buffer-string)))))
        (dje-check (and warnings (string-match-p "django-expert' was not found" warnings))
                   (format "a warning says the server is missing: %s" (and warnings (string-trim warnings))))
        (dje-check (and warnings (string-match-p "pipx install ~/src/django-expert" warnings)
                        (string-match-p "python -m pip install ~/src/django-expert" warnings))
                   "it says how to install it (pipx / pip from a clone)")
        (dje-check (and warnings (string-match-p "\\$VIRTUAL_ENV" warnings) (string-match-p "exec-path" warnings))
                   "it says where it looked"))
      (dje-check (null (eglot-current-server)) "no Eglot server started")
      (dje-out (if (zerop dje-failures) "ALL PASSED" (format "%d FAILED" dje-failures)))
      (kill-emacs (if (zerop dje-failures) 0 1)))
  (error (dje-out "ERROR %S" err) (kill-emacs 2)))
