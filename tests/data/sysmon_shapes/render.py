#!/usr/bin/env python3
# Renders the real XmlWinEventLog examples of ../splunk_security_content_data_sources
# (event ids 1, 3, 11, 13) as the four JSON shippers would write them:
# NXLog im_msvistalog + to_json(), Winlogbeat (raw winlog.*), Winlogbeat
# after its sysmon module (ECS names for what hecsentry maps), flat
# Splunk-style JSON.  Written for hecsentry by hand from the shippers'
# documented field names; run from this directory to regenerate.
# Copyright 2026 The hecsentry developers.  SPDX-License-Identifier: ISC
import json
import xml.etree.ElementTree as ET

NS = '{http://schemas.microsoft.com/win/2004/08/events/event}'
SRC = '../splunk_security_content_data_sources/sysmon_eventid_%d.xml'
TASKS = {1: 'Process Create (rule: ProcessCreate)',
         3: 'Network connection detected (rule: NetworkConnect)',
         11: 'File created (rule: FileCreate)',
         13: 'Registry value set (rule: RegistryEvent)'}


def parse(eid):
    root = ET.parse(SRC % eid).getroot()
    s = root.find(NS + 'System')
    sysf = {
        'Name': s.find(NS + 'Provider').get('Name'),
        'Guid': s.find(NS + 'Provider').get('Guid'),
        'EventID': s.find(NS + 'EventID').text,
        'Version': s.find(NS + 'Version').text,
        'Level': s.find(NS + 'Level').text,
        'Task': s.find(NS + 'Task').text,
        'Opcode': s.find(NS + 'Opcode').text,
        'Keywords': s.find(NS + 'Keywords').text,
        'SystemTime': s.find(NS + 'TimeCreated').get('SystemTime'),
        'EventRecordID': s.find(NS + 'EventRecordID').text,
        'ProcessID': s.find(NS + 'Execution').get('ProcessID'),
        'ThreadID': s.find(NS + 'Execution').get('ThreadID'),
        'Channel': s.find(NS + 'Channel').text,
        'Computer': s.find(NS + 'Computer').text,
        'UserID': s.find(NS + 'Security').get('UserID'),
    }
    data = [(d.get('Name'), d.text or '')
            for d in root.find(NS + 'EventData').findall(NS + 'Data')]
    return sysf, data


def kw_decimal(hexs):
    v = int(hexs, 16)
    return v - (1 << 64) if v >= 1 << 63 else v


def ms(systemtime):
    return systemtime[:23] + 'Z'


def nxlog(eid, s, data):
    o = {'EventTime': s['SystemTime'][:19].replace('T', ' '),
         'Hostname': s['Computer'], 'Keywords': kw_decimal(s['Keywords']),
         'EventType': 'INFO', 'SeverityValue': 2, 'Severity': 'INFO',
         'EventID': int(s['EventID']), 'SourceName': s['Name'],
         'ProviderGuid': s['Guid'], 'Version': int(s['Version']),
         'Task': int(s['Task']), 'OpcodeValue': int(s['Opcode']),
         'RecordNumber': int(s['EventRecordID']),
         'ProcessID': int(s['ProcessID']), 'ThreadID': int(s['ThreadID']),
         'Channel': s['Channel'], 'Domain': 'NT AUTHORITY',
         'AccountName': 'SYSTEM', 'UserID': s['UserID'],
         'AccountType': 'User', 'Category': TASKS[eid], 'Opcode': 'Info',
         'EventReceivedTime': s['SystemTime'][:19].replace('T', ' '),
         'SourceModuleName': 'eventlog',
         'SourceModuleType': 'im_msvistalog'}
    for k, v in data:
        o[k] = v
    return o


def winlog(eid, s, data):
    return {'channel': s['Channel'], 'computer_name': s['Computer'],
            'event_id': int(s['EventID']),
            'process': {'pid': int(s['ProcessID']),
                        'thread': {'id': int(s['ThreadID'])}},
            'provider_guid': s['Guid'].lower(), 'provider_name': s['Name'],
            'record_id': int(s['EventRecordID']), 'task': TASKS[eid],
            'opcode': 'Info',
            'user': {'domain': 'NT AUTHORITY', 'identifier': s['UserID'],
                     'name': 'SYSTEM', 'type': 'User'},
            'version': int(s['Version']),
            'event_data': dict(data)}


def winlogbeat(eid, s, data):
    return {'@timestamp': ms(s['SystemTime']),
            'agent': {'type': 'winlogbeat', 'version': '8.15.3'},
            'event': {'code': s['EventID'], 'kind': 'event',
                      'provider': s['Name']},
            'host': {'name': s['Computer']},
            'winlog': winlog(eid, s, data)}


# The ECS names hecsentry maps back (decode.c's table); the module's
# other renames (process.command_line, file.path, ...) are not mapped,
# so this rendering keeps those fields in winlog.event_data.
ECS = {'Image': ('process', 'executable'),
       'ProcessGuid': ('process', 'entity_id'),
       'ProcessId': ('process', 'pid'),
       'SourceIp': ('source', 'ip'), 'SourcePort': ('source', 'port'),
       'SourceHostname': ('source', 'domain'),
       'DestinationIp': ('destination', 'ip'),
       'DestinationPort': ('destination', 'port'),
       'DestinationHostname': ('destination', 'domain'),
       'Protocol': ('network', 'transport'),
       'DestinationPortName': ('network', 'protocol')}


def ecs(eid, s, data):
    o = winlogbeat(eid, s, data)
    o['event']['module'] = 'sysmon'
    ed = o['winlog']['event_data']
    for k, (a, b) in ECS.items():
        if k in ed:
            v = ed.pop(k)
            if b in ('pid', 'port'):
                v = int(v)
            o.setdefault(a, {})[b] = v
    if 'Initiated' in ed:
        o.setdefault('network', {})['direction'] = \
            'egress' if ed.pop('Initiated') == 'true' else 'ingress'
    if 'User' in ed and eid == 3:
        dom, name = ed.pop('User').split('\\', 1)
        o['user'] = {'domain': dom, 'name': name}
    return o


def flat(eid, s, data):
    o = {'EventCode': s['EventID'], 'EventID': s['EventID'],
         'Computer': s['Computer'], 'SourceName': s['Name'],
         'Name': s['Name'], 'Guid': s['Guid'], 'Channel': s['Channel'],
         'EventRecordID': s['EventRecordID'], 'Version': s['Version'],
         'Level': s['Level'], 'Task': s['Task'], 'Opcode': s['Opcode'],
         'Keywords': s['Keywords'], 'ProcessID': s['ProcessID'],
         'ThreadID': s['ThreadID'], 'UserID': s['UserID'],
         'SystemTime': s['SystemTime'], 'TimeCreated': s['SystemTime']}
    for k, v in data:
        o[k] = v
    return o


for eid in (1, 3, 11, 13):
    s, data = parse(eid)
    for shape, fn in (('nxlog', nxlog), ('winlogbeat', winlogbeat),
                      ('winlogbeat_ecs', ecs), ('splunk_flat', flat)):
        with open('sysmon_eventid_%d.%s.json' % (eid, shape), 'w',
                  encoding='utf-8') as f:
            f.write(json.dumps(fn(eid, s, data), ensure_ascii=False,
                               separators=(',', ':')) + '\n')
