"""Fill or fix entries of the Chinese catalog from a small table (developer tool):
   .venv/bin/python scripts/po_fill.py translations/zh_Hans_CN/LC_MESSAGES/messages.po table.tsv
Each line of the table: English msgid <TAB> Chinese msgstr. Fuzzy flags on those entries go;
other fuzzy entries are emptied (shown in English until translated)."""
import sys

from babel.messages.pofile import read_po, write_po


def main(po_path: str, table_path: str) -> None:
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    with open(table_path, encoding="utf-8") as fh:
        pairs = [line.rstrip("\n").split("\t") for line in fh if "\t" in line]
    for msgid, msgstr in pairs:
        message = catalog.get(msgid)
        if message is None:
            print(f"not in catalog: {msgid}", file=sys.stderr)
            continue
        message.string = msgstr
        message.flags.discard("fuzzy")
    for message in catalog:
        if message.id and "fuzzy" in message.flags:
            # Babel's fuzzy guesses are nearly always wrong (and can carry other
            # placeholders, which fails compilation): untranslated is better.
            message.string = "" if isinstance(message.id, str) else ("",) * len(message.id)
            message.flags.discard("fuzzy")
    catalog.obsolete.clear()
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, width=76)
    missing = [m.id for m in catalog if m.id and (not m.string or "fuzzy" in m.flags)]
    for msgid in missing:
        print(f"untranslated: {msgid}", file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:])
