"""Reports a person looks at: report.html in a plan folder and in a sweep folder.

One self-contained HTML file each (plotly.js inlined once, country shapes shipped with
the package), built only from what the folder holds and the network's sites, so
``logistics report FOLDER`` rebuilds it. Modules: ``folder`` (what a plan report
reads), ``attention`` (the patients to look at), ``charts`` (time charts), ``map``,
``html`` (page shell), ``plan`` and ``sweep`` (the two reports), ``extras`` (the
files added to a plan or sweep folder when it is written).
"""

from logistics.report.plan import REPORT_FILE, plan_report, write_plan_report

__all__ = ["REPORT_FILE", "plan_report", "write_plan_report"]
