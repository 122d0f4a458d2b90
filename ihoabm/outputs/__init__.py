"""What a run leaves behind: the output-folder contract that every command writes through."""
