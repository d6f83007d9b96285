"""Checks that two `train --json` logs report the same epochs: every loss
and metric within RTOL (relative), the same examples and steps.

usage: same_records.py RTOL A.jsonl B.jsonl
"""
import json
import sys


def main():
    rtol = float(sys.argv[1])
    logs = []
    for path in sys.argv[2:4]:
        with open(path) as f:
            logs.append([json.loads(l) for l in f if '"epoch_end"' in l])
    a, b = logs
    if len(a) != len(b) or not a:
        print(f"FAIL {len(a)} and {len(b)} epoch records")
        return 1
    failed = 0
    for ra, rb in zip(a, b):
        for key, va in ra.items():
            if key in ("examples_per_sec", "collective_ms_per_step",
                       "checkpoint", "best_checkpoint"):
                continue
            vb = rb.get(key)
            if isinstance(va, float):
                ok = vb is not None and abs(va - vb) <= rtol * max(abs(va), 1e-12)
            else:
                ok = va == vb
            if not ok:
                print(f"FAIL epoch {ra['epoch']} {key}: {va} and {vb}")
                failed += 1
        print(f"epoch {ra['epoch']}: val_loss {ra.get('val_loss')} and {rb.get('val_loss')}")
    print("ok" if not failed else f"{failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
