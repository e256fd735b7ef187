import json,sys
d=json.load(open('/work/shared/reference/stripe-current-shapes.json'))
def show(node, ind=0, depth=3):
    for k,v in sorted(node.get('fields',{}).items()):
        extra=[]
        for a in ('nullable','expandable','required','emptyable','enum','format'):
            if a in v: extra.append(f"{a}={v[a]}" if a=='enum' else a)
        print(' '*ind + f"{k}: {v.get('type')} {' '.join(extra)}")
        if 'fields' in v and ind<depth*2: show(v, ind+2, depth)
        if v.get('items',{}).get('fields') and ind<depth*2: show(v['items'], ind+2, depth)
for name in sys.argv[1:]:
    print('=== ',name)
    if name in d['objects']: show(d['objects'][name])
    else: show({'fields':d['requests'][name]['params']})
