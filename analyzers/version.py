"""The analyzer version: part of every cache key, so a new release never reads old facts."""

ANALYZER_VERSION = "0.1.0"
