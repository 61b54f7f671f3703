"""The MCP prompt: a Django review for a goal, walking the engagement's six steps in order.

The order is the engagement's own (`state.STEPS`): each step tool runs the earlier steps not
yet done, and the report's compliance checklist records when each ran, so a step skipped by
the agent is still run, in its place, by the server.
"""

from __future__ import annotations

from django_expert.server.engagement.scope import GOALS
from django_expert.server.engagement.state import STEP_TITLES, STEPS

TOOLS = {"scope": "scope", "memory": "load_memory", "context": "load_context", "analyze": "analyze",
         "guidance": "guidance", "output": "complete_engagement"}
WHAT = {
    "scope": "versions, project type, deployment target, apps and the plan for the goal",
    "memory": "the project's memory: decisions in force, conventions, known issues",
    "context": "the guidance documents that apply (within the file budget)",
    "analyze": "the findings, in pages; filter by area, rule, path or severity",
    "guidance": "recommendations with patches, security controls, test strategy",
    "output": "write the report and update memory; give the user its path and top risks",
}


def review(goal: str, project: str | None = None) -> str:
    if goal not in GOALS:
        raise ValueError(f"unknown goal {goal!r}; one of {', '.join(GOALS)}")
    target = f" of project `{project}`" if project else ""
    lines = [f"Run a Django expert review{target} with the goal **{goal}**, through the django-expert tools, "
             f"in these six steps and in this order. Do not skip a step, do not reorder them, and do not "
             f"start a step before the previous one answered:", ""]
    for number, step in enumerate(STEPS, 1):
        arguments = f'goal="{goal}"' if step in ("scope", "guidance", "output") else ""
        if project:
            arguments = ", ".join(a for a in (f'project="{project}"', arguments) if a)
        lines.append(f"{number}. {STEP_TITLES[step]}: call `{TOOLS[step]}({arguments})`: {WHAT[step]}.")
    lines += ["", "Between steps 4 and 6 you may ask precise questions: `explain_rule`, `fix` (a unified diff to "
              "review; never applied), `model_info`, `endpoints`, `settings_value`, `query_plan`. Record a "
              "decision (`record_decision`) only when the user says a finding is intended. Never print a "
              "secret's value. End with the report path and the compliance checklist from step 6."]
    return "\n".join(lines)
