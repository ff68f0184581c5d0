"""`stackgen import`: adopt rule files written elsewhere (by hand, by a mixin) as a spec that renders them back.

Each importer reads its input with located errors, maps what the spec format expresses, and says in a
Report what it imported, what it changed and why, and what it left out; nothing is dropped silently.
"""
