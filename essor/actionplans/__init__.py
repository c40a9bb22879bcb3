"""Action plans: built from a validated diagnostic's priorities, validated by the firm and
its regional manager, then followed action by action (design.md §1.3, §3)."""
