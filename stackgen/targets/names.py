"""Every target's name and one-line summary, importable alone.

The CLI's `--target` help lists them; importing the targets themselves pulls in the model and the renderers,
which `stackgen --help` must not pay for (about 0.1 s). Each target takes its summary from here, and a test
checks that the registry holds exactly these names.
"""

SUMMARIES = {
    "compose": "containers on one compose network (docker compose)",
    "local": "processes on 127.0.0.1 (stackgen up)",
    "kubernetes": "Prometheus Operator manifests and a kustomization (kubectl apply -k)",
}
