"""Referenced experts: referencing, skills, coverage, conflicts, missions, and matching.

The pure matching core (`matching.py`, `matching_input.py`) implements the contract in
`matching-format.md`; it takes plain data and never touches Django.
"""
