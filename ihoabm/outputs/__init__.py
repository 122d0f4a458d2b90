"""What a run counts and leaves behind.

The outputs catalogue (every metric once, with its label and unit), the daily tallies, the tables and plots
made from them, Mesa's reporters, the calibration check against England figures, and the output-folder
contract that every command writes through.
"""
