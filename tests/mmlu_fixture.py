"""Builds small MMLU-Pro result zips in the leaderboard's real layout for tests."""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

QUESTIONS = [
    # question_id, question, options, answer, category, src
    (70, "Typical advertising regulatory bodies suggest, for example that adverts must not: encourage _________, "
         "cause unnecessary ________ or _____, and must not cause _______ offence.",
     ["Safe practices, Fear, Jealousy, Trivial", "Unsafe practices, Distress, Joy, Trivial",
      "Safe practices, Wants, Jealousy, Trivial", "Unsafe practices, Distress, Fear, Serious"], "D",
     "business", "ori_mmlu-business_ethics"),
    (11285, "What will be the number of lamps, each having 300 lumens, required to obtain an average illuminance "
            "of 50 lux on a 4m * 3m rectangular room?", ["6", "1", "2", "5"], "A", "engineering",
     "ori_mmlu-electrical_engineering"),
    (2004, "Find the characteristic of the ring 2Z.", ["0", "30", "3", "10"], "A", "math", "ori_mmlu-abstract_algebra"),
    (5001, "Which of the following is the body cavity that contains the pituitary gland?",
     ["Ventral", "Dorsal", "Buccal", "Cranial"], "D", "health", "ori_mmlu-anatomy"),
]


def record(q, pred, *, question=None, answer=None, out_key="generated_text"):
    """One record as the leaderboard writes it."""
    qid, text, options, ans, cat, src = q
    ans = answer or ans
    return {"question_id": qid, "question": question or text, "options": options, "answer": ans,
            "answer_index": "ABCDEFGHIJ".index(ans), "cot_content": "", "category": cat, "src": src,
            "pred": pred, out_key: f" The answer is ({pred})." if pred else " I am not sure."}


def make_zip(folder: Path, model: str, records: list, *, raw: bytes | None = None) -> Path:
    """model_outputs_<model>_5shots.zip holding one JSON list (or the raw bytes given)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"model_outputs_{model}_5shots.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"model_outputs_{model}_5shots.json", raw if raw is not None else json.dumps(records))
    return path
