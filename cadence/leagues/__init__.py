"""The leagues app: seasons, teams, grounds and rules; generated, edited, published schedules."""
