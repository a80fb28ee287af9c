ipvsadm -A -t 80
ipvsadm -A -t 10.10.0.1:99999
ipvsadm -A -t 10.10.0.1:nosuchservice
ipvsadm -A -t [10.10.0.1]:80
ipvsadm -A -t ''
ipvsadm -A -u 10.10.0.1:x80
