ipvsadm -A -t 10.10.0.1:80 -s sh -b sh-fallback,sh-port
ipvsadm -A -t 10.10.0.2:80 -s mh -b mh-port
ipvsadm -A -t 10.10.0.3:80 -s rr -b flag-1,flag-3
ipvsadm -A -t 10.10.0.4:80 -b flag-2
ipvsadm -A -t 10.10.0.5:80 -s sh -b flag-1
ipvsadm -Ln
ipvsadm -Sn
