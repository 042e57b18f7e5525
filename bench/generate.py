"""A studio-like tree of training_versions.json files, deterministic from a seed.

Styles under resources/style_images/<id>_<slug>/ and actors under data/actors/<id>_<slug>/,
each file newest first with webhook and S3-sync entries, a given share of files holding
a duplicate (the same model file reached through the other S3 host), written as the
writers write them (JSON.stringify(data, null, 2), no final newline).
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ACCEL = "https://storyboard-user-files.s3-accelerate.amazonaws.com/actor_maker_user/"
REGIONAL = "https://storyboard-user-files.s3.us-west-1.amazonaws.com/actor_maker_user/"
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def _stamp(when: datetime, zulu: bool = True) -> str:
    if zulu:
        return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"
    return when.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def webhook_entry(
    rng: random.Random, kind: str, owner: int, version: int, when: datetime
) -> dict[str, Any]:
    model = f"{kind}_{owner}_vV{version}" if kind == "style" else f"{kind}_{owner}_V{version}"
    folder = "custom-styles-models/" if kind == "style" else "custom-actors/models/"
    entry: dict[str, Any] = {
        "id": f"{uuid.UUID(int=rng.getrandbits(128), version=4)}-e{rng.randint(1, 3)}",
        "name": f"V{version}",
        "timestamp": _stamp(when),
        "parameters": {
            "network_dim": rng.choice([8, 16, 32]),
            "network_alpha": rng.choice([4, 8, 16]),
            "learning_rate": rng.choice([0.0001, 0.0002, 0.0003]),
            "max_train_steps": rng.choice([1200, 1600, 2000]),
            "lr_scheduler": rng.choice(["cosine_with_restarts", "cosine", "constant", "linear"]),
            "lr_warmup_steps": rng.choice([0, 100]),
            "optimizer_type": rng.choice(["adamw8bit", "AdamW8bit", "adafactor"]),
            "batch_size": rng.choice([1, 2]),
            "num_repeats": rng.choice([8, 10, 12]),
            "gradient_dtype": rng.choice(["bf16", "fp16"]),
            "class_tokens": f"{kind} SBai_{kind}_{owner}",
        },
        "status": "completed",
    }
    if kind == "style":
        entry["parameters"]["save_every_n_steps"] = 400
        entry["selectionSetId"] = rng.randint(1, 5)
    entry["imageCount"] = rng.randint(20, 60)
    entry["loraUrl"] = ACCEL + folder + model + ".safetensors"
    entry["completedAt"] = _stamp(when + timedelta(minutes=27))
    return entry


def s3_entry(url: str, when: datetime) -> dict[str, Any]:
    name = url.rsplit("/", 1)[1]
    return {
        "id": name.removesuffix(".safetensors"),
        "name": name,
        "status": "completed",
        "loraUrl": url.replace(ACCEL, REGIONAL),
        "timestamp": _stamp(when + timedelta(minutes=27), zulu=False),
        "lastSynced": _stamp(when + timedelta(hours=1)),
        "parameters": {},
        "description": "Synced from S3",
    }


def versions(
    rng: random.Random, kind: str, owner: int, count: int, duplicate: bool, rate: float = 0.2
) -> list[Any]:
    """``count`` entries, oldest first then reversed; with ``duplicate``, each webhook
    entry is followed by its S3-sync twin with probability ``rate``, and at least one is."""
    when = START + timedelta(minutes=rng.randint(0, 400_000))
    entries: list[Any] = []
    version = 1
    twins = 0
    while len(entries) < count:
        entry = webhook_entry(rng, kind, owner, version, when)
        entries.append(entry)
        if duplicate and len(entries) < count and rng.random() < rate:
            entries.append(s3_entry(entry["loraUrl"], when))
            twins += 1
        version += 1
        when += timedelta(hours=rng.randint(2, 200))
    if duplicate and not twins and count >= 2:  # a file meant to have a duplicate has one
        entries[-1] = s3_entry(entries[0]["loraUrl"], when)
    entries.reverse()  # newest first
    return entries


def write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def generate(root: Path, files: int, per_file: int, dup_rate: float, seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for i in range(files):
        kind = "style" if i % 3 == 0 else "actor"
        folder = "resources/style_images" if kind == "style" else "data/actors"
        path = root / folder / f"{i}_{kind}{i:05d}" / "training_versions.json"
        write(path, {"versions": versions(rng, kind, i, per_file, rng.random() < dup_rate)})
        paths.append(path)
    return paths


def generate_big(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    write(path, {"versions": versions(rng, "style", 1, count, True, rate=0.05)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("root", type=Path)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--versions", type=int, default=8)
    parser.add_argument("--duplicates", type=float, default=0.8, help="share of files with one")
    parser.add_argument("--big", type=int, default=0, help="also write big/training_versions.json")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.root, args.files, args.versions, args.duplicates, args.seed)
    if args.big:
        generate_big(args.root / "big" / "training_versions.json", args.big, args.seed)


if __name__ == "__main__":
    main()
