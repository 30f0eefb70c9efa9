"""The case store: rights requests residents made, their audit trail and statutory clock."""
