"""The linker's classifier: training, the shipped model, its place among the signals."""

from __future__ import annotations

from pathlib import Path

from hrgraph.link.classifier import Classifier, Document, load_classifier, train
from hrgraph.link.knowledge import load_knowledge
from hrgraph.link.linker import Linker
from hrgraph.link.text import tokenise

_SDG = "http://metadata.un.org/sdg/"


def _documents() -> list[Document]:
    return [
        Document("homeless shelters and social housing", {"sdg-goal": frozenset({_SDG + "11"})}),
        Document("affordable housing for low-income tenants", {"sdg-goal": frozenset({_SDG + "11"})}),
        Document("primary schools and teacher training", {"sdg-goal": frozenset({_SDG + "4"})}),
        Document("literacy classes and school enrolment", {"sdg-goal": frozenset({_SDG + "4"})}),
        Document("the council met on Tuesday", {"sdg-goal": frozenset()}),
    ]


def test_training_is_deterministic_and_learns() -> None:
    first = train(_documents(), levels=("sdg-goal",), steps=100)
    second = train(_documents(), levels=("sdg-goal",), steps=100)
    assert first.to_bytes() == second.to_bytes()
    ranked = first.predict(tokenise("more social housing for tenants"), "sdg-goal")
    assert ranked[0][0] == _SDG + "11"
    ranked = first.predict(tokenise("school enrolment of girls"), "sdg-goal")
    assert ranked[0][0] == _SDG + "4"


def test_model_round_trips_through_its_file_format() -> None:
    model = train(_documents(), levels=("sdg-goal",), steps=50)
    again = Classifier.from_bytes(model.to_bytes())
    assert again.to_bytes() == model.to_bytes()
    words = tokenise("homeless shelters")
    assert again.predict(words, "sdg-goal") == model.predict(words, "sdg-goal")


def test_packaged_model_scores_goals_and_themes() -> None:
    model = load_classifier()
    assert set(model.levels) >= {"sdg-goal", "theme"}
    goals = model.predict(tokenise("Ensure free and compulsory primary education for all children."), "sdg-goal")
    assert goals and goals[0][0] == _SDG + "4"
    assert model.predict(tokenise("zzz qqq"), "sdg-goal") == []


def test_linker_records_the_classifier_as_a_signal() -> None:
    linker = Linker(load_knowledge(), min_confidence=0.0)
    links = linker.link("Take measures to combat domestic violence against women and girls.")
    methods = {link.method for link in links}
    assert methods
    empty = Linker(load_knowledge(), min_confidence=0.0, classifier=Classifier())
    assert not any("classifier" in link.justification for link in empty.link("The council met on Tuesday."))


def test_packaged_model_is_what_the_training_script_makes() -> None:
    """The shipped model comes from the project's own sources only, and training it again gives it back."""
    from importlib import resources

    from hrgraph.link.classifier import checkout_documents

    documents = checkout_documents(Path(__file__).resolve().parents[1])
    shipped = (resources.files("hrgraph.link") / "classifier.bin.gz").read_bytes()
    assert train(documents).to_bytes() == shipped


def test_ranking_from_features_matches_the_weights() -> None:
    """The compiled scoring gives what the per-feature weights say."""
    import math

    from hrgraph.link.classifier import features

    model = load_classifier()
    feats = features(tokenise("Free primary education and school meals for refugee children."))
    level = model.levels["sdg-target"]
    expected: dict[int, float] = {}
    for f in feats:
        for index, w in level.weights(f).items():
            expected[index] = expected.get(index, 0.0) + w / math.sqrt(len(feats))
    got = model.scores(feats, "sdg-target")
    assert set(got) == set(expected)
    assert all(abs(got[i] - (x + level.bias[i])) < 1e-9 for i, x in expected.items())
    assert (
        model.rank(feats, "sdg-target", 0.05, 3)
        == model.predict(tokenise("Free primary education and school meals for refugee children."), "sdg-target", 0.05)[
            :3
        ]
    )


def test_the_project_passages_are_labelled_with_known_standards() -> None:
    """Every labelled passage names standards of the corpus; its goals include the goals of its targets."""
    from hrgraph.link.classifier import read_passages, training_documents
    from hrgraph.resources import corpus_files

    rows = read_passages(Path(__file__).resolve().parents[1] / "corpora" / "training")
    assert len(rows) > 1000
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["genre"] for r in rows} == {
        "action-item",
        "ordinance",
        "budget-line",
        "report",
        "recommendation",
        "abstract",
    }
    docs = [d for d in training_documents(load_knowledge(), corpus_files(), (), rows) if d.group == "passage"]
    assert len(docs) == len(rows)
    for doc in docs:
        targets = doc.labels.get("sdg-target", frozenset())
        assert {t.rsplit(".", 1)[0] for t in targets} <= doc.labels["sdg-goal"]
    negatives = [d for d in docs if not any(d.labels.values())]
    assert len(negatives) >= 50  # texts serving nothing teach every level what is not a link


def test_a_bad_passage_is_named_by_file_and_line(tmp_path: Path) -> None:
    import pytest

    from hrgraph.errors import BadInputError
    from hrgraph.link.classifier import read_passages, training_documents
    from hrgraph.resources import corpus_files

    good = '{"id": "x-1", "text": "Shelters for homeless families.", "sdg_targets": ["11.1"], "sdg_goals": [11]}'
    (tmp_path / "a.jsonl").write_text(good + '\n{"id": "x-2", "text": "Wells.", "sdg_targets": ["6.99"]}\n')
    rows = read_passages(tmp_path)
    with pytest.raises(BadInputError, match=r"a\.jsonl:2: unknown standard http://metadata\.un\.org/sdg/6\.99"):
        training_documents(load_knowledge(), corpus_files(), (), rows)
    (tmp_path / "a.jsonl").write_text(good + '\n{"id": "x-3", "text": "Wells.", "sdg_goals": ["six"]}\n')
    with pytest.raises(BadInputError, match=r"a\.jsonl:2: sdg_goals must be goal numbers"):
        training_documents(load_knowledge(), corpus_files(), (), read_passages(tmp_path))
    (tmp_path / "a.jsonl").write_text(good + "\n{oops\n")
    with pytest.raises(BadInputError, match=r"a\.jsonl:2: not valid JSON"):
        read_passages(tmp_path)


def test_the_article_level_is_learnt_from_the_passages() -> None:
    """An article no term names is found by the classifier: shelters for women fleeing violence → CEDAW 2."""
    linker = Linker(load_knowledge())
    links = linker.link("The city will open three more shelters for women fleeing violence at home.")
    cedaw = [x for x in links if x.object_id == "https://w3id.org/hrgraph/id/cedaw/art_2"]
    assert cedaw and cedaw[0].method == "classifier"
