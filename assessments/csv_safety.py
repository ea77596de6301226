"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

Excel, LibreOffice and Google Sheets treat a cell that starts with ``=``, ``+``,
``-`` or ``@`` as a formula, and some also after a leading tab or carriage
return; a justification such as ``=HYPERLINK("http://evil", "click")`` would
then run on a ministry official's machine. ``safe_cell`` prefixes such a cell
with a single quote, which spreadsheets show as text and do not display.
Numbers are written as they are: ``-2`` from an int is a number, not a formula.
"""

from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """``value`` as CSV cell text, with a leading ``'`` if it could start a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float, Decimal)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text
