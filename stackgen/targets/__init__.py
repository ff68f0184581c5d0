"""Where the rendered stack runs: one module per target, each an object the renderers ask.

`base` is the contract (Target, Document, Placement), `layout` the output paths; `compose` and `local`
implement it; `registry` names them. This module imports none of them: renderers import `base` and
`layout`, while targets import the renderers of their own files, so the registry sits above both.
"""
