"""How well the mentor finds and quotes the lesson that answers a learner's question
(`mentorbot eval retrieval`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.content import ContentSet
from bot.mentor.retrieval import LessonIndex

QUESTIONS_FILE = Path(__file__).with_name("eval_questions.yaml")


@dataclass(frozen=True)
class Case:
    question: str
    lesson: str
    # Words the quoted answer must hold, in lower case; none means the case checks ranking only.
    key_terms: tuple[str, ...] = ()
    # The question asked just before, when this one is a follow-up.
    follows: str = ""


@dataclass(frozen=True)
class EvalSet:
    cases: list[Case]
    # Questions the lessons do not answer: the quoted answer should say that nothing fits.
    off_topic: list[str]


@dataclass(frozen=True)
class Miss:
    case: Case
    found: list[str]


@dataclass(frozen=True)
class QuoteMiss:
    case: Case
    quoted: str


@dataclass(frozen=True)
class Result:
    total: int
    hits: int
    misses: list[Miss]
    unknown: list[Case]
    # Quoted answers: cases whose own lesson is quoted, and cases with key terms whose quotes
    # hold every one of them.
    quoted_lesson: int
    with_terms: int
    quote_misses: list[QuoteMiss]
    off_topic: int
    refused: int
    answered_off_topic: list[str]

    @property
    def share(self) -> float:
        return _share(self.hits, self.total)

    @property
    def quoted_share(self) -> float:
        return _share(self.quoted_lesson, self.total)

    @property
    def terms_share(self) -> float:
        return _share(self.with_terms - len(self.quote_misses), self.with_terms)

    @property
    def refused_share(self) -> float:
        return _share(self.refused, self.off_topic)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def load_eval(file: Path = QUESTIONS_FILE) -> EvalSet:
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    cases = [
        Case(
            str(q["question"]),
            str(q["lesson"]),
            tuple(str(term).lower() for term in q.get("key_terms") or ()),
            str(q.get("follows") or ""),
        )
        for q in data["questions"]
    ]
    return EvalSet(cases, [str(q) for q in data.get("off_topic") or ()])


def load_cases(file: Path = QUESTIONS_FILE) -> list[Case]:
    return load_eval(file).cases


def evaluate(content: ContentSet, questions: EvalSet, top: int = 3) -> Result:
    """Each case is a hit when its lesson is among the `top` lessons retrieved for it; its quoted
    answer counts when it quotes the case's lesson, and when it holds every key term.

    A case naming a lesson the content does not have counts as a miss, so renaming a lesson
    shows up here instead of quietly shrinking the set.
    """
    cases = questions.cases
    index = LessonIndex.build(content)
    misses: list[Miss] = []
    quote_misses: list[QuoteMiss] = []
    quoted_lesson = 0
    unknown = [case for case in cases if content.item(case.lesson) is None]
    for case in cases:
        found = index.lessons(case.question, top, previous=case.follows)
        if case.lesson not in found:
            misses.append(Miss(case, found))
        quotes = index.quotes(case.question, previous=case.follows)
        quoted_lesson += any(q.item_id == case.lesson for q in quotes)
        quoted = "\n".join(q.text for q in quotes)
        if any(term not in quoted.lower() for term in case.key_terms):
            quote_misses.append(QuoteMiss(case, quoted))
    answered = [q for q in questions.off_topic if index.quotes(q)]
    index.close()
    return Result(
        total=len(cases),
        hits=len(cases) - len(misses),
        misses=misses,
        unknown=unknown,
        quoted_lesson=quoted_lesson,
        with_terms=sum(1 for case in cases if case.key_terms),
        quote_misses=quote_misses,
        off_topic=len(questions.off_topic),
        refused=len(questions.off_topic) - len(answered),
        answered_off_topic=answered,
    )


def describe(result: Result, top: int = 3) -> str:
    lines = []
    for miss in result.misses:
        lines.append(f"miss: {miss.case.question}")
        lines.append(f"      wanted {miss.case.lesson}; got {', '.join(miss.found) or 'nothing'}")
    for quote_miss in result.quote_misses:
        quoted = " ".join(quote_miss.quoted.split())
        lines.append(f"quote without key terms: {quote_miss.case.question}")
        lines.append(
            f"      wanted {', '.join(quote_miss.case.key_terms)}; "
            f"quoted {quoted[:100] + '…' if len(quoted) > 100 else quoted or 'nothing'}"
        )
    for question in result.answered_off_topic:
        lines.append(f"off-topic question answered: {question}")
    for case in result.unknown:
        lines.append(f"unknown lesson id '{case.lesson}' (question: {case.question})")
    lines.append(
        f"retrieval: {result.hits} of {result.total} questions found their lesson in the "
        f"top {top} ({result.share:.1%})"
    )
    lines.append(
        f"quotes: {result.quoted_lesson} of {result.total} quoted answers quote their lesson "
        f"({result.quoted_share:.1%}); "
        f"{result.with_terms - len(result.quote_misses)} of {result.with_terms} hold the key "
        f"terms ({result.terms_share:.1%})"
    )
    if result.off_topic:
        lines.append(
            f"off-topic: {result.refused} of {result.off_topic} questions the lessons do not "
            f"answer were told nothing fits ({result.refused_share:.1%})"
        )
    return "\n".join(lines)
