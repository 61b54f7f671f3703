"""django-expert memory: MemoryStore, ContextProvider and the context library.

The engagement reads and writes project memory through `MemoryStore` (default:
`MarkdownMemoryStore`) and loads guidance through `ContextProvider` (default:
`LibraryContextProvider`). Nothing here imports the analysers or speaks LSP.
"""

from django_expert.memory.context import (
    ContextDoc,
    ContextDocMeta,
    ContextLoadRecord,
    ContextProvider,
    LibraryContextProvider,
    guidance_for_rule,
    library_documents,
)
from django_expert.memory.decisions import Decision, decision_for, parse_decision
from django_expert.memory.paths import (
    LockTimeout,
    UnsafePath,
    atomic_write,
    next_report_path,
    report_stem,
    safe_join,
    slugify_project,
)
from django_expert.memory.store import (
    DEFAULT_MEMORY_DIR,
    DEFAULT_SKILL,
    MEMORY_FILES,
    GeneratedSections,
    MarkdownMemoryStore,
    MemoryStore,
    MemoryWriteRefused,
    SkillMemory,
    UpdateResult,
)

__all__ = [
    "DEFAULT_MEMORY_DIR",
    "DEFAULT_SKILL",
    "MEMORY_FILES",
    "ContextDoc",
    "ContextDocMeta",
    "ContextLoadRecord",
    "ContextProvider",
    "Decision",
    "GeneratedSections",
    "LibraryContextProvider",
    "LockTimeout",
    "MarkdownMemoryStore",
    "MemoryStore",
    "MemoryWriteRefused",
    "SkillMemory",
    "UnsafePath",
    "UpdateResult",
    "atomic_write",
    "decision_for",
    "guidance_for_rule",
    "library_documents",
    "next_report_path",
    "parse_decision",
    "report_stem",
    "safe_join",
    "slugify_project",
]
