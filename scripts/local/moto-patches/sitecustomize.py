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


# moto 5.2 fails CreateStack with a 500 (KeyError 'TagKey') on an AWS::KMS::Key with Tags: its
# CloudFormation handler passes the template's {Key, Value} tags to the KMS tagger, which expects
# the KMS API's {TagKey, TagValue}. Convert them, so the unchanged template deploys.
try:
    from moto.kms import models as _kms
except Exception:
    _kms = None

if _kms is not None and hasattr(_kms, "Key"):
    _original_kms_cfn = _kms.Key.create_from_cloudformation_json.__func__

    def _kms_create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs):
        props = cloudformation_json.get("Properties", {})
        tags = props.get("Tags")
        if tags:
            props = dict(props)
            props["Tags"] = [
                {"TagKey": t.get("TagKey", t.get("Key")), "TagValue": t.get("TagValue", t.get("Value"))} for t in tags
            ]
            cloudformation_json = dict(cloudformation_json, Properties=props)
        return _original_kms_cfn(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)

    _kms.Key.create_from_cloudformation_json = classmethod(_kms_create_from_cloudformation_json)


# moto 5.2's CloudFormation skips resource types it does not implement (AWS::CloudWatch::Alarm,
# AWS::Budgets::Budget, AWS::AutoScaling::ScalingPolicy...), and then fails the whole stack with
# "Fn::GetAtt references undefined resource" when another resource refers to one of them (a
# dashboard's alarm widgets use the alarms' ARNs). Record such a resource in the stack under the
# name CloudFormation would give it, with its ARN, without creating it: the local run creates it
# afterwards through the service API under that same name (scripts/local/skipped-resources.ts).
try:
    from moto.cloudformation import parsing as _cfn
except Exception:
    _cfn = None

if _cfn is not None and hasattr(_cfn, "parse_and_create_resource") and hasattr(_cfn, "generate_resource_name"):
    _NAME_PROPERTY = {"AWS::CloudWatch::Alarm": "AlarmName", "AWS::AutoScaling::ScalingPolicy": "PolicyName"}

    class _RecordedOnly:
        """A resource moto's CloudFormation does not implement, recorded with its name and ARN."""

        def __init__(self, logical_id, resource_type, physical_id, account_id, region_name):
            self.logical_resource_id = logical_id
            self.cf_resource_type = resource_type
            self.physical_resource_id = physical_id
            self._account_id = account_id
            self._region_name = region_name

        def is_created(self):
            return True

        def get_cfn_attribute(self, attribute_name):
            if attribute_name == "Arn" and self.cf_resource_type == "AWS::CloudWatch::Alarm":
                return f"arn:aws:cloudwatch:{self._region_name}:{self._account_id}:alarm:{self.physical_resource_id}"
            raise NotImplementedError(f"{self.cf_resource_type}.{attribute_name} of {{0}} is not recorded by the local run")

        def delete(self, account_id, region_name):
            return None

    def _recorded(logical_id, resource_json, resources_map, account_id, region_name):
        resource_type = resource_json["Type"]
        name_prop = _NAME_PROPERTY.get(resource_type)
        props = resource_json.get("Properties") or {}
        name = props.get(name_prop) if name_prop and isinstance(props.get(name_prop), str) else None
        if name is None:
            name = _cfn.generate_resource_name(resource_type, resources_map["AWS::StackName"], logical_id)
        return _RecordedOnly(logical_id, resource_type, name, account_id, region_name)

    _original_create = _cfn.parse_and_create_resource
    _original_update = _cfn.parse_and_update_resource

    def parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name):
        if _cfn.resource_class_from_type(resource_json["Type"]) is None:
            condition = resource_json.get("Condition")
            if condition and not resources_map.lazy_condition_map[condition]:
                return None
            return _recorded(logical_id, resource_json, resources_map, account_id, region_name)
        return _original_create(logical_id, resource_json, resources_map, account_id, region_name)

    def parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name):
        if _cfn.resource_class_from_type(resource_json["Type"]) is None:
            existing = resources_map._parsed_resources.get(logical_id)
            return existing if existing is not None else _recorded(logical_id, resource_json, resources_map, account_id, region_name)
        return _original_update(logical_id, resource_json, resources_map, account_id, region_name)

    _cfn.parse_and_create_resource = parse_and_create_resource
    _cfn.parse_and_update_resource = parse_and_update_resource


# moto 5.2's FakeTargetGroup has no get_cfn_attribute: any Fn::GetAtt on an
# AWS::ElasticLoadBalancingV2::TargetGroup (TargetGroupFullName in alarm dimensions and dashboard
# widgets) fails CreateStack with a 500. Answer the attributes AWS documents.
try:
    from moto.elbv2 import models as _elbv2
except Exception:
    _elbv2 = None

if _elbv2 is not None and hasattr(_elbv2, "FakeTargetGroup") and not hasattr(_elbv2.FakeTargetGroup, "get_cfn_attribute"):
    def _target_group_cfn_attribute(self, attribute_name):
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException
        if attribute_name == "TargetGroupArn":
            return self.arn
        if attribute_name == "TargetGroupFullName":
            return self.arn.split(":")[-1]
        if attribute_name == "TargetGroupName":
            return self.name
        if attribute_name == "LoadBalancerArns":
            return list(getattr(self, "load_balancer_arns", []))
        raise UnformattedGetAttTemplateException()

    _elbv2.FakeTargetGroup.get_cfn_attribute = _target_group_cfn_attribute

# moto 5.2's FakeLoadBalancer leaves LoadBalancerFullName and SecurityGroups unimplemented
# (Fn::GetAtt gives None, so alarm dimensions and dashboard widgets lose the load balancer).
if _elbv2 is not None and hasattr(_elbv2, "FakeLoadBalancer"):
    _original_lb_attr = _elbv2.FakeLoadBalancer.get_cfn_attribute

    def _load_balancer_cfn_attribute(self, attribute_name):
        if attribute_name == "LoadBalancerFullName":
            return self.arn.split(":loadbalancer/")[-1]
        if attribute_name == "SecurityGroups":
            return list(getattr(self, "security_groups", []))
        return _original_lb_attr(self, attribute_name)

    _elbv2.FakeLoadBalancer.get_cfn_attribute = _load_balancer_cfn_attribute
