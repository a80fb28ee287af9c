ipvsadm -A -t 10.10.0.1:80 -s rr -b sh-port
ipvsadm -A -t 10.10.0.1:80 -s sh -b mh-port
ipvsadm -A -t 10.10.0.1:80 -b bogus
ipvsadm -A -t 10.10.0.1:80 -s sh -b sh-port,bogus
