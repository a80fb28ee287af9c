ipvsadm -A -u 10.10.0.1:5060 -p --pe nosuch
ipvsadm -Ln
