//! painpath-chart.
