ipvsadm -At10.10.0.1:80 -srr
ipvsadm -at 10.10.0.1:80 -r10.20.0.11 -mw3
ipvsadm -lnt 10.10.0.1:80
ipvsadm -Lnt10.10.0.1:80 --stats
