"""Complaints and denunciations (khiếu nại, tố cáo) about dossiers, records and decisions."""
