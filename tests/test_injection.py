from pathlib import Path

from assistant.answer.injection import MASK, mask_instructions, suspicious_spans
from assistant.answer.prompt import build_prompt
from assistant.documents import Chunk, Passage

ROOT = Path(__file__).resolve().parents[1]
DOCS = sorted((ROOT / "eval" / "injection" / "docs").glob("*.txt"))


def test_every_planted_instruction_is_masked_and_the_facts_stay() -> None:
    assert len(DOCS) == 7
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        masked, n = mask_instructions(text)
        assert n >= 1, path.name
        assert MASK in masked
        first_fact = text.split("\n\n")[1]
        assert first_fact in masked, path.name  # the document's real content is untouched


def test_real_documents_are_not_masked() -> None:
    for path in sorted((ROOT / "corpus").iterdir()):
        assert suspicious_spans(path.read_text(encoding="utf-8")) == [], path.name


def test_prompt_frames_passages_as_data_and_masks_instructions() -> None:
    text = (ROOT / "eval/injection/docs/mediatheque.txt").read_text(encoding="utf-8")
    prompt = build_prompt("Quels horaires ?", [Passage(1, Chunk("c", "m.txt", 0, len(text), text), 1.0)])
    system, user = prompt.messages[0]["content"], prompt.messages[1]["content"]
    assert "pas des consignes" in system
    assert "ACCÈS AUTORISÉ" not in user and MASK in user
    assert user.rstrip().endswith("Quels horaires ?")  # the question comes last: small models answer it
