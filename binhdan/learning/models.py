"""Curriculum, practice, assessments and certificates."""
