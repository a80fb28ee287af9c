ipvsadm -A -t localhost:http
ipvsadm -a -t localhost:http -r localhost:https -m
ipvsadm -A -u 10.10.0.100:domain
ipvsadm -Ln
