"""The rules the council works to: statutory deadlines and the case clock, staffed hours,
case references, the council's details."""
