"""A text is embedded once: within one call, across calls, and across the replies of one build."""

from __future__ import annotations

import numpy as np

from assistant.encoders.memo import TextMemo


class Recorder:
    def __init__(self):
        self.seen: list[str] = []

    def __call__(self, texts):
        self.seen += texts
        return np.array([[len(t), 1.0] for t in texts], dtype="float32")


def test_identical_texts_are_embedded_once_and_keep_their_order():
    embed = Recorder()
    memo = TextMemo(embed, dim=2)
    out = memo(["ab", "abc", "ab"])
    assert embed.seen == ["ab", "abc"]
    assert out[:, 0].tolist() == [2, 3, 2]
    again = memo(["abc", "abcd"])
    assert embed.seen == ["ab", "abc", "abcd"] and again[:, 0].tolist() == [3, 4]
    assert (memo.hits, memo.misses) == (2, 3)


def test_the_memo_forgets_the_least_recently_used_beyond_its_capacity():
    embed = Recorder()
    memo = TextMemo(embed, dim=2, capacity=2)
    memo(["a", "bb"])
    memo(["a"])  # "a" used again: "bb" is now the oldest
    memo(["ccc"])
    memo(["a", "bb"])
    assert embed.seen == ["a", "bb", "ccc", "bb"]


def test_a_build_embeds_each_questionnaire_question_once(tmp_path, encoder):
    """Two Parties quoting the same questionnaire: their question texts go through the English encoder once."""
    from replies import MINI, write_txt

    from assistant.store.build import build_index
    from assistant.store.settings import Settings

    class Counting:
        def __init__(self, inner):
            self.inner, self.texts = inner, []
            self.name, self.dim = inner.name, inner.dim

        def encode(self, texts, batch_size=32):
            self.texts += list(texts)
            return self.inner.encode(texts, batch_size)

        def count_tokens(self, text):
            return self.inner.count_tokens(text)

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_txt(corpus / "T-ES(2017)ICT-PT_Portugal.txt", MINI)
    write_txt(corpus / "T-ES(2017)ICT-AD_Andorra.txt", MINI, party="ANDORRA", code="AD")
    counting = Counting(encoder)
    build_index(corpus, tmp_path / "index", Settings(multilingual=False), encoder=counting)
    assert counting.texts and len(counting.texts) == len(set(counting.texts))
