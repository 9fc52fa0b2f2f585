"""
A faster CloudWatch GetMetricData for moto_server, loaded by `npm start` and the e2e test only
(they start moto_server with this folder on PYTHONPATH, so Python imports this module at start-up).

moto 5.2's GetMetricData scans every datapoint in the window once per period: a 14-day read of
one-minute data (20,160 periods x ~13,000 datapoints) takes ~6.6 s, and a day of predictive-scaler
runs every 5 minutes would take half an hour. This version answers MetricStat queries with the same
results (same filters, including moto's own, same statistics, same order) by grouping the matching
datapoints into periods in one pass. Requests with metric math or Metrics Insights expressions go
to moto's own implementation unchanged.
"""
from datetime import timedelta

try:
    from moto.cloudwatch import models as _cw
except Exception:  # moto missing or changed: start unpatched
    _cw = None

if _cw is not None and hasattr(_cw, "CloudWatchBackend") and hasattr(_cw, "Statistics"):
    _original = _cw.CloudWatchBackend.get_metric_data

    def get_metric_data(self, queries, start_time, end_time, scan_by="TimestampAscending"):
        if any("MetricStat" not in q for q in queries):
            return _original(self, queries, start_time, end_time, scan_by)
        start_time = start_time.replace(microsecond=0)
        end_time = end_time.replace(microsecond=0)
        if start_time >= end_time:
            return _original(self, queries, start_time, end_time, scan_by)  # moto's validation errors
        period_data = [md for md in self.get_all_metrics() if start_time <= md.timestamp < end_time]
        results = []
        for query in queries:
            stat_q = query["MetricStat"]
            ns = stat_q["Metric"]["Namespace"]
            name = stat_q["Metric"]["MetricName"]
            period = int(stat_q["Period"])
            dims = sorted(_cw.Dimension(name=d["Name"], value=d["Value"]) for d in stat_q["Metric"].get("Dimensions", []))
            unit = stat_q.get("Unit")
            stat = stat_q["Stat"]
            # moto's filters: with dimensions, the namespace is not compared
            if dims:
                matching = [md for md in period_data if md.name == name and sorted(md.dimensions) == dims]
            else:
                matching = [md for md in period_data if md.namespace == ns and md.name == name]
            if unit:
                matching = [md for md in matching if md.unit == unit]
            buckets = {}
            for md in matching:
                k = int((md.timestamp - start_time).total_seconds()) // period
                buckets.setdefault(k, []).append(md)
            values, timestamps = [], []
            for k in sorted(buckets):
                stats = _cw.Statistics([stat], start_time + timedelta(seconds=k * period))
                stats.metric_data = buckets[k]
                values.append(stats.get_statistics_for_type(stat))
                timestamps.append(stats.timestamp)
            if scan_by == "TimestampDescending":
                timestamps.reverse()
                values.reverse()
            if query.get("ReturnData", True):
                results.append({
                    "id": query["Id"],
                    "label": query.get("Label") or f"{name} {stat}",
                    "values": values,
                    "timestamps": timestamps,
                    "status_code": "Complete",
                })
        return results

    get_metric_data.__doc__ = "moto's get_metric_data, one pass over the datapoints (scripts/local/moto-patches)"
    _cw.CloudWatchBackend.get_metric_data = get_metric_data
