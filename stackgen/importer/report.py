"""What an import did, for the person who runs it: imported, changed (and why), left out (and why)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    imported: list[str] = field(default_factory=list)  # counts, one line per kind
    changed: list[str] = field(default_factory=list)  # "file:line: what changed (why)"
    left_out: list[str] = field(default_factory=list)  # "file:line: what (why)"

    def change(self, where: str, what: str) -> None:
        self.changed.append(f"{where}: {what}")

    def leave_out(self, where: str, what: str) -> None:
        self.left_out.append(f"{where}: {what}")

    def render(self) -> str:
        lines = ["imported: " + "; ".join(self.imported)]
        for title, items in (("changed", self.changed), ("left out", self.left_out)):
            lines.append(f"{title}: {len(items) or 'nothing'}")
            lines += [f"  {item}" for item in items]
        return "\n".join(lines) + "\n"
