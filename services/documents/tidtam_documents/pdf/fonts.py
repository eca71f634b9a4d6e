"""Sarabun for PDFs, loaded once per process, with a text layer that reads back what is
printed.

The trap (PITFALLS.md): HarfBuzz draws SARA AM (ำ) as NIKHAHIT + SARA AA, so the glyph of
SARA AA serves both "ำ" and "า"; WeasyPrint maps each glyph to the text of the cluster it
first met it in, so once "จำ" is on a page, "บาท" reads back "บำท" (and "น้ำ" loses its tone
mark, whose glyph met first in that cluster maps to nothing).

The fix, in two parts:
1. the font gets a copy of SARA AA, `uni0E32.am`, and a contextual substitution (after the
   font's own `ccmp`) that draws SARA AA with it when NIKHAHIT (and maybe one tone mark)
   comes before: the page looks the same, but the two uses are now two glyphs;
2. each glyph that stands for one character maps to that character (by its name, its
   variants `.small` etc. too), `uni0E32.am` to "ำ" and NIKHAHIT, drawn inside SARA AM, to
   nothing; WeasyPrint's first-met text is overridden for those glyphs only, so the
   subset and everything else stay as they were.
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import fontpkg_sarabun
from fontTools import agl
from fontTools.otlLib import builder as otl
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables

FAMILY = "TidtamSarabun"
FILES = Path(fontpkg_sarabun.__file__).parent / "files"
WEIGHTS = {400: "Sarabun-Regular.ttf", 700: "Sarabun-Bold.ttf"}
AA, NIKHAHIT, AA_IN_AM = "uni0E32", "uni0E4D", "uni0E32.am"
TONES = ("uni0E48", "uni0E49", "uni0E4A", "uni0E4B")


@dataclass(frozen=True)
class PreparedFont:
    weight: int
    data: bytes                    # the TTF, as @font-face serves it
    text_of: dict[int, str]        # glyph id → the text it stands for


def _add_am_glyph(font: TTFont) -> None:
    order = font.getGlyphOrder()
    font.setGlyphOrder([*order, AA_IN_AM])
    font["glyf"].glyphs[AA_IN_AM] = copy.deepcopy(font["glyf"][AA])
    font["hmtx"].metrics[AA_IN_AM] = font["hmtx"].metrics[AA]
    font["maxp"].numGlyphs = len(order) + 1
    gdef = font["GDEF"].table
    if gdef.GlyphClassDef is not None:
        classes = gdef.GlyphClassDef.classDefs
        classes[AA_IN_AM] = classes.get(AA, 1)


def _lookup(kind: int, subtables: list[object]) -> otTables.Lookup:
    lookup = otTables.Lookup()
    lookup.LookupType, lookup.LookupFlag = kind, 0
    lookup.SubTable, lookup.SubTableCount = subtables, len(subtables)
    return lookup


def _chain_rule(glyph_map: dict[str, int], backtrack: list[list[str]],
                single_index: int) -> otTables.ChainContextSubst:
    rule = otTables.ChainContextSubst()
    rule.Format = 3
    rule.BacktrackCoverage = [otl.buildCoverage(g, glyph_map) for g in backtrack]
    rule.BacktrackGlyphCount = len(backtrack)
    rule.InputCoverage = [otl.buildCoverage([AA], glyph_map)]
    rule.InputGlyphCount = 1
    rule.LookAheadCoverage, rule.LookAheadGlyphCount = [], 0
    record = otTables.SubstLookupRecord()
    record.SequenceIndex, record.LookupListIndex = 0, single_index
    rule.SubstLookupRecord, rule.SubstCount = [record], 1
    return rule


def _add_am_substitution(font: TTFont) -> None:
    """Appended after the font's own lookups, so it sees their output (tone mark variants)."""
    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    single = len(lookups)
    lookups.append(_lookup(1, [otl.buildSingleSubstSubtable({AA: AA_IN_AM})]))
    order = font.getGlyphOrder()
    tones = [g for g in order if g.split(".")[0] in TONES]
    # NIKHAHIT, its narrow form, and its ligatures with a tone mark (uni0E4D0E49: ้ำ).
    nikhahits = [g for g in order if g.startswith(NIKHAHIT) and g != AA_IN_AM]
    chain = len(lookups)
    # Backtrack is read nearest first: NIKHAHIT right before, or a tone mark then NIKHAHIT.
    glyph_map = font.getReverseGlyphMap()
    lookups.append(_lookup(6, [_chain_rule(glyph_map, [nikhahits], single),
                               _chain_rule(glyph_map, [tones, nikhahits], single)]))
    gsub.LookupList.LookupCount = len(lookups)
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(chain)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)


def _text_of(font: TTFont) -> dict[int, str]:
    """Each Thai glyph's characters (`uni0E49.small` → ้, `uni0E240E45` → ฤๅ); other glyphs
    keep WeasyPrint's text (a Latin ligature `fi` reads back "fi", not "ﬁ"). NIKHAHIT is
    drawn only inside SARA AM here, whose text `uni0E32.am` carries: it stands for nothing
    (so a NIKHAHIT written alone, as in Pali, does not read back; Thai text never has it)."""
    texts = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        base = name.split(".")[0]
        text = agl.toUnicode(base)
        if not text or not all("\u0e00" <= c <= "\u0e7f" for c in text):
            continue
        if base.startswith(NIKHAHIT):
            text = text.replace("\u0e4d", "")
        texts[gid] = text
    texts[font.getGlyphID(AA_IN_AM)] = "\u0e33"
    return texts


@cache
def prepared() -> tuple[PreparedFont, ...]:
    """The fonts, patched once per process."""
    fonts = []
    for weight, file in WEIGHTS.items():
        font = TTFont(FILES / file)
        _add_am_glyph(font)
        _add_am_substitution(font)
        for record in font["name"].names:
            if record.nameID in (1, 4, 16):
                record.string = FAMILY
        out = io.BytesIO()
        font.save(out)
        fonts.append(PreparedFont(weight, out.getvalue(), _text_of(font)))
    return tuple(fonts)


def font_face_css() -> str:
    return "\n".join(
        f"@font-face {{ font-family: {FAMILY}; font-weight: {f.weight}; "
        f"src: url(asset:font-{f.weight}.ttf); }}" for f in prepared())
