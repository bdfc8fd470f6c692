"""Operations: structured event logs, backup and restore, export."""
