"""Train the line-role classifier on the annotated corpora and write bench/line_roles_model.json.

    .venv/bin/python bench/train_line_roles.py [--corpus DIR] [--out PATH]

Needs scikit-learn (requirements-dev.txt only): the shipped model is plain JSON arrays that
`bench.learned_roles.TreeEnsemble` evaluates with numpy, so the app never imports scikit-learn.

Two stages (both scikit-learn random forests): stage one reads each line's own and neighbouring features
(`roles.line_features`); stage two adds stage one's class probabilities for the line and the two non-empty
lines either side (`roles.neighbour_features`). Stage two is trained on out-of-fold stage-one probabilities
(folds by file), so it learns from the mistakes stage one makes on files it has not seen.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import learned_roles as roles  # noqa: E402
from bench.line_roles import DEFAULT_CORPUS, Sheet, load_sheets  # noqa: E402

CLASSES = sorted(r for r in roles.ROLES if r != "empty")  # scikit-learn's order: stage two reads it
SEED = 20261201
# Long data blocks say the same thing many times: a file gives at most this many data lines to training.
DATA_LINES_PER_FILE = 200
STAGE_PARAMS = dict(n_estimators=30, max_depth=14, min_samples_leaf=4, max_features="sqrt", max_leaf_nodes=700)
INNER_FOLDS = 2
LEAF_THRESHOLD = 1e300  # every feature value is below it (JSON has no infinity)


@dataclass
class Features:
    """Feature rows of many sheets, stacked, with each sheet's slice."""

    x: np.ndarray
    y: np.ndarray  # role strings
    sheet: np.ndarray  # index of the sheet a row came from
    slices: list[slice]
    names: list[str]


def featurise(sheets: list[Sheet]) -> Features:
    xs, ys, owner, slices, start = [], [], [], [], 0
    names: list[str] = []
    for i, s in enumerate(sheets):
        x, names = roles.line_features(s.grid)
        xs.append(x)
        ys.append(np.asarray(s.labels, dtype=object))
        owner.append(np.full(len(x), i))
        slices.append(slice(start, start + len(x)))
        start += len(x)
    return Features(np.vstack(xs), np.concatenate(ys), np.concatenate(owner), slices, names)


def _training_rows(f: Features, sheet_ids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Rows of the given sheets used for fitting: non-empty lines, data lines capped per file."""
    keep = []
    nonempty = f.x[:, f.names.index("n_filled")] > 0
    for i in sheet_ids:
        sl = f.slices[i]
        idx = np.arange(sl.start, sl.stop)
        idx = idx[nonempty[idx] & (f.y[idx] != "empty")]
        data = idx[f.y[idx] == "data"]
        if len(data) > DATA_LINES_PER_FILE:
            data = rng.choice(data, DATA_LINES_PER_FILE, replace=False)
        keep.append(np.concatenate([idx[f.y[idx] != "data"], data]))
    return np.sort(np.concatenate(keep)) if keep else np.zeros(0, dtype=int)


def _weights(y: np.ndarray) -> np.ndarray:
    """Inverse fourth-root class frequency: rare roles (group, derived) count a little more, not so much that
    data lines start to look like them."""
    counts = {c: max((y == c).sum(), 1) for c in CLASSES}
    w = np.array([counts[c] ** -0.25 for c in y])
    return w / w.mean()


def _fit(x: np.ndarray, y: np.ndarray, params: dict):
    from sklearn.ensemble import RandomForestClassifier

    clf = RandomForestClassifier(random_state=SEED, n_jobs=1, **params)
    clf.fit(x, y, sample_weight=_weights(y))
    return clf


def export(clf) -> dict:
    """The fitted forest as flat arrays: (feature, threshold, left, right, class shares) a node, a root a tree."""
    classes = [str(c) for c in clf.classes_]
    feature, threshold, left, right, value, roots = [], [], [], [], [], []
    depth, offset = 0, 0
    for est in clf.estimators_:
        tree = est.tree_
        leaf = tree.children_left < 0
        own = np.arange(tree.node_count) + offset
        feature += np.where(leaf, 0, tree.feature).tolist()
        threshold += np.where(leaf, LEAF_THRESHOLD, tree.threshold).tolist()
        left += np.where(leaf, own, tree.children_left + offset).tolist()
        right += np.where(leaf, own, tree.children_right + offset).tolist()
        shares = tree.value[:, 0, :] / np.maximum(tree.value[:, 0, :].sum(1, keepdims=True), 1e-12)
        value += np.where(leaf[:, None], np.round(shares, 3), 0).ravel().tolist()
        roots.append(offset)
        depth = max(depth, int(tree.max_depth))
        offset += tree.node_count
    return {"classes": classes, "feature": feature, "threshold": threshold, "left": left, "right": right,
            "value": [int(v) if v == int(v) else v for v in value], "roots": roots, "depth": depth}


def _stage2_inputs(f: Features, sheet_ids, proba_all: np.ndarray) -> np.ndarray:
    """Stage-two rows for the given sheets, from per-line stage-one probabilities (all rows of f)."""
    out = np.zeros((len(f.x), f.x.shape[1] + 5 * len(CLASSES)), dtype=np.float32)
    nonempty = f.x[:, f.names.index("n_filled")] > 0
    for i in sheet_ids:
        sl = f.slices[i]
        out[sl] = np.hstack([f.x[sl], roles.neighbour_features(proba_all[sl], nonempty[sl])])
    return out


def _stage1_proba(spec: dict, f: Features, sheet_ids, into: np.ndarray) -> None:
    ens = roles.TreeEnsemble(spec)
    for i in sheet_ids:
        sl = f.slices[i]
        into[sl] = _ordered(ens.proba(f.x[sl]), ens.classes)


def _ordered(proba: np.ndarray, classes: list[str]) -> np.ndarray:
    """Probabilities in CLASSES order (a fold may lack a role)."""
    out = np.zeros((len(proba), len(CLASSES)))
    for j, c in enumerate(classes):
        out[:, CLASSES.index(c)] = proba[:, j]
    return out


def train(f: Features, sheet_ids: np.ndarray, *, stage2: bool = True, params: dict | None = None,
          seed: int = SEED) -> dict:
    """Fit the model on the given sheets only; returns the JSON spec."""
    params = params or STAGE_PARAMS
    rng = np.random.default_rng(seed)
    sheet_ids = np.asarray(sheet_ids)
    rows = _training_rows(f, sheet_ids, rng)
    stage1 = export(_fit(f.x[rows], f.y[rows], params))
    spec = {"features": f.names, "classes": CLASSES, "stage1": stage1, "stage2": None}
    if not stage2:
        return spec
    oof = np.zeros((len(f.x), len(CLASSES)))
    folds = np.array_split(rng.permutation(sheet_ids), INNER_FOLDS)
    for k, held in enumerate(folds):
        fit_ids = np.concatenate([g for j, g in enumerate(folds) if j != k])
        inner = _training_rows(f, fit_ids, rng)
        _stage1_proba(export(_fit(f.x[inner], f.y[inner], params)), f, held, oof)
    x2 = _stage2_inputs(f, sheet_ids, oof)
    spec["stage2"] = export(_fit(x2[rows], f.y[rows], params))
    return spec


def predict(spec: dict, f: Features, sheet_ids) -> np.ndarray:
    """Role strings for every row of the given sheets (empty lines by rule), through the JSON spec."""
    stage1 = roles.TreeEnsemble(spec["stage1"])
    stage2 = roles.TreeEnsemble(spec["stage2"]) if spec.get("stage2") else None
    out = np.full(len(f.x), "empty", dtype=object)
    nonempty = f.x[:, f.names.index("n_filled")] > 0
    for i in sheet_ids:
        sl = f.slices[i]
        proba = roles.predict_proba((stage1, stage2), f.x[sl], nonempty[sl])
        labels = np.asarray((stage2 or stage1).classes, dtype=object)[proba.argmax(1)]
        out[sl] = np.where(nonempty[sl], labels, "empty")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of the line-roles corpus")
    parser.add_argument("--out", type=Path, default=roles.MODEL_PATH, help="where to write the model JSON")
    args = parser.parse_args(argv)
    sheets = load_sheets(args.corpus)
    f = featurise(sheets)
    spec = train(f, np.arange(len(sheets)))
    spec["trained_on"] = {"corpus": "shared/corpus/line-roles", "sheets": len(sheets),
                          "groups": sorted({s.group for s in sheets})}
    args.out.write_text(json.dumps(spec, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB) from {len(sheets)} sheets")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
