"""Word lists for claims and corrections: revision cues, denials, negation, fates, quantities.

Kept apart from the logic so that each list can be read (and extended) at a
glance. Patterns are matched case-insensitively against one claim's text.
"""

from __future__ import annotations

import re

# -- cues that a later text revises or debunks an earlier report ------------------------------
#: Strong cues: the later text says the earlier report was a hoax, a fake or wrong.
DEBUNK_CUES: tuple[str, ...] = (
    r"hoax(?:es)?",
    r"prank(?:s|ed|sters?)?",
    r"trick(?:ed)?",
    r"dup(?:ed|ing)",
    r"fooled",
    r"pos(?:ing|ed) as",
    r"pretend(?:ing|ed)? to be",
    r"impersonat(?:ing|ed|ion|or|ors)",
    r"impost[eo]rs?",
    r"fake[ds]?",
    r"fabricat(?:ed|ion)",
    r"bogus",
    r"retract(?:ed|ion|s)?",
    r"(?:was|were|is|are|proved|proven) (?:false|untrue|wrong|incorrect|unfounded)",
    r"false (?:report|claim|rumou?r|information|story|alarm)s?",
    r"(?:mistaken(?:ly)?|erroneous(?:ly)?|wrongly|incorrectly) (?:reported|identified|announced|said|stated|claimed)",
    r"contrary to (?:earlier|previous|initial|early|some|the|media|press) ?(?:reports?|claims?|statements?|accounts?)?",
    r"confound(?:ing|ed) (?:earlier |previous )?reports?",
    r"(?:earlier|previous|initial|first) reports? (?:was|were|had been) (?:wrong|false|mistaken|incorrect|inaccurate)",
)

#: Figure revisions: a number explicitly corrected (not one that merely grew).
REVISION_CUES: tuple[str, ...] = (
    r"revis(?:ed|ing|ion)(?: (?:down|downward|downwards|up|upward|upwards))?",
    r"correct(?:ed|ing|ion)",
    r"(?:lower|fewer|smaller|higher|more) than (?:first|initially|originally|earlier|previously) (?:reported|thought|stated|estimated|feared|announced)",
    r"(?:downgrad|adjust)(?:ed|ing)",
)

#: Weak cues: frequent in ordinary prose; they count only with a close match.
WEAK_CUES: tuple[str, ...] = (
    r"in fact",
    r"actually",
    r"turned out",
    r"it (?:later )?emerged",
    r"(?:is|was|were|are) (?:still )?alive",
    r"appeared in public",
    r"still in",
)

#: A party rejecting a report: a competing account, not proof the report was wrong.
DENIAL_CUES: tuple[str, ...] = (
    r"den(?:y|ied|ies|ying|ial|ials)",
    r"(?:dismiss|reject|refut|rebutt?|disput)(?:ed|es|ing|e|s)? (?:the |these |those |such |earlier |media |press )*"
    r"(?:reports?|claims?|allegations?|accusations?|rumou?rs?|suggestions?|speculation|stor(?:y|ies)|accounts?)",
    r"(?:refuted|disputed)",
    r"(?:never|not) (?:happened|true|the case)",
    r"plead(?:ed|s|ing)? not guilty",
    r"(?:maintain|maintained|maintains|protest|protested|protests|protesting) (?:his|her|their) innocence",
)

#: A later text naming an earlier estimate as superseded: "originally estimated", "than first thought".
ESTIMATE_BACK = re.compile(
    r"\b(?:(?:initial(?:ly)?|original(?:ly)?|first|previous(?:ly)?|earlier) (?:estimated?s?|put|pegged|said|reported|thought)|"
    r"than (?:first |originally |previously |initially )?(?:thought|estimated|reported|believed)|"
    r"(?:previous|earlier|initial|original|first) (?:estimates?|figures?|reports?)|"
    r"revised (?:up|down)\w*|raised (?:its|their|the) estimates?)\b",
    re.I,
)
#: A comparison with the figure it names: "more than the 1,000 barrels", "five times as much".
COMPARATIVE = re.compile(
    r"\b(?:(?:more|less|fewer|higher|lower|greater|bigger|smaller|closer)\b[^.;]{0,40}?\bthan|\w+ times (?:as much|as many|more))\b",
    re.I,
)

#: Back-references to an earlier time or report.
BACK_REFERENCE = re.compile(
    r"\b(?:back in|at the time|earlier reports?|initial reports?|first reported|previously reported|"
    r"initially|originally|had (?:been )?(?:reported|claimed|said))\b",
    re.I,
)

#: A reader comment's time stamp or its "Report abuse" link: page furniture, not a claim.
COMMENT_STAMP = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2} ?, \d{4} at "
    r"\d{1,2}:\d\d ?[ap]\.?m\.?|\bReport abuse\b",
    re.I,
)
#: A negation that contrasts rather than denies: "vice president, not president".
CONTRASTIVE_NOT = re.compile(r",\s*(?:but\s+)?not\s+(?:an?\s+|the\s+)?\w+(?:\s+\w+)?\s*(?:[,.;]|$)|\bnot only\b", re.I)
#: A negated fate told as the past or as a condition ("that night he didn't step down", "if he did not resign").
PAST_NEGATION = re.compile(r"\b(?:(?:did|would|could) ?(?:n['’]t|not)|if)\b", re.I)

# -- polarity ------------------------------------------------------------------------------------
NEGATION = re.compile(r"\b(?:not|never|no longer|neither|nor)\b|n['’]t\b", re.I)

# -- fates ---------------------------------------------------------------------------------------
#: Fate words by state. A dead person seen alive later is the one fate conflict that time cannot explain.
FATES: dict[str, str] = {
    r"killed|dead|died|slain|assassinated|executed|body (?:was|has been) found": "dead",
    r"(?:is|was|were|are|remains?|still) alive|survived|appeared in public|appeared on (?:television|tv)": "alive",
    r"captur(?:ed|e)|arrest(?:ed)?|detained|taken into custody|in custody": "held",
    r"fled|escaped|at large|on the run|went into hiding": "free",
    # Past forms only ("must step down" is a demand, not a fate); base forms count after a negation.
    r"resigned|stepped down|(?<=(?:not|n't) )(?:step down|resign)|(?:was|been) (?:sacked|fired|ousted|dismissed)": "left office",
}
#: How far (characters) before a fate word its subject may be named.
FATE_REACH = 30
#: "among the dead", "the injured": a noun, not a fate.
THE_DEAD = re.compile(r"\b(?:the|of)\s+(?:dead|killed|injured|missing|detained|arrested)\s*$", re.I)
#: A reporting verb between a name and a fate word: the name is the speaker, not the subject.
REPORTING = re.compile(r"\b(?:said|says|told|tells|reported|announced|confirmed|according)\b", re.I)
#: How far (characters) before a denial its subject ("NATO denied") may be named.
DENIER_REACH = 40
#: A negation just before a fate word: "has not resigned", "was never captured".
NEGATED_BEFORE = re.compile(r"\b(?:not|never|no)\b(?:\s+\w+){0,2}\s*$|n['’]t(?:\s+\w+){0,2}\s*$", re.I)

#: (earlier, later) states that cannot follow one another: reported dead, then alive.
INCOMPATIBLE_FATES: frozenset[tuple[str, str]] = frozenset({("dead", "alive")})

# -- quantities ----------------------------------------------------------------------------------
#: Words that say what a number counts, by class. Classes in CUMULATIVE only grow in honest reporting.
QUANTITY_CLASSES: dict[str, str] = {
    r"dead|deaths?|died|killed|fatalities|fatal|lives|bodies|death toll|toll|casualties": "deaths",
    r"injur(?:ed|ies|y)|wounded|hurt|hospitali[sz]ed": "injured",
    r"missing|unaccounted": "missing",
    r"arrest(?:ed|s)?|detain(?:ed|ees)?|prisoners|captured": "arrests",
    r"refugees|displaced|evacuated|evacuees|homeless|fled": "displaced",
}
CUMULATIVE = frozenset({"deaths", "injured", "arrests", "displaced"})

#: Words before a number that make it a bound, not a count.
LOWER_BOUND = re.compile(r"\b(?:at least|more than|over|upwards of|in excess of|no fewer than|not less than)\s*$", re.I)
UPPER_BOUND = re.compile(r"\b(?:up to|as many as|at most|fewer than|less than|under|nearly|almost)\s*$", re.I)
APPROXIMATE = re.compile(r"\b(?:about|around|some|roughly|approximately|an estimated|estimated)\s*$", re.I)

#: Verbs that make a figure a running total: "rose to", "has climbed to".
GROWTH = re.compile(
    r"\b(?:r[io]se[sn]?|rising|climb(?:ed|s|ing)?|increas(?:ed|es|ing)|grew|grown|growing|reach(?:ed|es|ing)|"
    r"jump(?:ed|s)?|mount(?:ed|s|ing)|now(?: stands)?|so far|to date|has risen|total(?:led)?)\b",
    re.I,
)

SCALE_WORDS: dict[str, float] = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "m": 1e6, "bn": 1e9, "k": 1e3,
}  # fmt: skip

NUMBER_WORDS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "dozens": 24, "hundreds": 200,
    "thousands": 2000,
}  # fmt: skip

CURRENCIES: dict[str, str] = {
    "$": "USD", "usd": "USD", "us$": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR",
    "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP", "pounds": "GBP", "¥": "JPY",
    "yen": "JPY",
}  # fmt: skip


def alternation(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any of ``patterns`` as whole words."""
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.I)


DEBUNK = alternation(DEBUNK_CUES)
REVISION = alternation(REVISION_CUES)
WEAK = alternation(WEAK_CUES)
DENIAL = alternation(DENIAL_CUES)
FATE_PATTERNS: list[tuple[re.Pattern[str], str]] = [(alternation([p]), state) for p, state in FATES.items()]
QUANTITY_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (alternation([p]), cls) for p, cls in QUANTITY_CLASSES.items()
]
