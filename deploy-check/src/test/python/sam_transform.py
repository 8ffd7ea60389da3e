#!/usr/bin/env python3
"""Runs the real SAM transform (samtranslator, the library CloudFormation's AWS::Serverless
transform is built from) over template.yaml, offline, and prints the CloudFormation template it
makes as JSON.

    sam_transform.py TEMPLATE [--code LOGICAL_ID=s3://BUCKET/KEY ...] [--param NAME=VALUE ...]
                     [--region REGION] [--account ACCOUNT]

--code stands in for `sam package`: it replaces the CodeUri of a function (or the ContentUri of a
layer) with the S3 URI the package step would have uploaded it to. --param is a parameter value as
`sam deploy --parameter-overrides` passes it. No network: the region comes from the arguments and
the managed-policy map is empty (the template names no managed policy).
"""
import argparse
import json
import sys

from boto3 import Session
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator
from samtranslator.yaml_helper import yaml_parse

CODE_PROPERTY = {
    "AWS::Serverless::Function": "CodeUri",
    "AWS::Serverless::LayerVersion": "ContentUri",
}


def pairs(values, what):
    out = {}
    for value in values or []:
        name, sep, rest = value.partition("=")
        if not sep:
            sys.exit(f"sam_transform.py: {what} must be NAME=VALUE, not {value!r}")
        out[name] = rest
    return out


def main():
    args = argparse.ArgumentParser()
    args.add_argument("template")
    args.add_argument("--code", action="append")
    args.add_argument("--param", action="append")
    args.add_argument("--region", default="us-east-1")
    args.add_argument("--account", default="123456789012")
    options = args.parse_args()

    with open(options.template, encoding="utf-8") as f:
        template = yaml_parse(f.read())

    for logical_id, uri in pairs(options.code, "--code").items():
        resource = template["Resources"].get(logical_id)
        if resource is None or resource.get("Type") not in CODE_PROPERTY:
            sys.exit(f"sam_transform.py: {logical_id} is not a function or layer of the template")
        resource["Properties"][CODE_PROPERTY[resource["Type"]]] = uri

    parameters = pairs(options.param, "--param")
    parameters.setdefault("AWS::AccountId", options.account)
    parameters.setdefault("AWS::Region", options.region)
    translator = Translator(None, Parser(), boto_session=Session(region_name=options.region))
    transformed = translator.translate(template, parameter_values=parameters, get_managed_policy_map=lambda: {})
    json.dump(transformed, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
