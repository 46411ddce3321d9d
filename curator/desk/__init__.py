"""The editors' desk: item states and actions, drafts, publishing."""
