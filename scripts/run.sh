#!/usr/bin/env bash
# The main job: set up, build, compile the example text CNN and show its
# stages. (Training on real data joins this once the train step lands.)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/build.sh"
modelc="$root/build/bin/modelc"
model="$root/examples/textcnn.nn"
echo "== $model, normalized (modelc --emit=json)"
"$modelc" "$model" --emit=json
echo "== the nn dialect (modelc --emit=nn)"
"$modelc" "$model" --emit=nn
